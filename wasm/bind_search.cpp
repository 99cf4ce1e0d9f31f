// Embind bindings of the hyperparameter search's draws (playgrad/nn/search.h): plain numbers in,
// a Float64Array out. wasm/api/search.mjs builds pg.search on top. Every binding runs inside
// guard(), so a pg::Error reaches JavaScript as an Error naming the op.
#include "bind_util.h"
#include "playgrad/nn/search.h"

using emscripten::val;
using pgbind::guard;

namespace {

val js_search_sample(double lo, double hi, val scale, double n, double seed, double stream) {
  return guard([&] {
    const char* op = "search.sample";
    const auto s = pg::nn::search_scale(op, pgbind::to_string(op, scale));
    return pgbind::double_array(pg::nn::search_sample(lo, hi, s, pgbind::to_int(op, "n", n),
                                                      pgbind::to_seed(op, seed), pgbind::to_seed(op, stream)));
  });
}

val js_search_grid(double lo, double hi, val scale, double n) {
  return guard([&] {
    const char* op = "search.grid";
    const auto s = pg::nn::search_scale(op, pgbind::to_string(op, scale));
    return pgbind::double_array(pg::nn::search_grid(lo, hi, s, pgbind::to_int(op, "n", n)));
  });
}

val js_search_choice(double k, double n, double seed, double stream) {
  return guard([&] {
    const char* op = "search.choice";
    const auto v = pg::nn::search_choice(pgbind::to_int(op, "k", k), pgbind::to_int(op, "n", n),
                                         pgbind::to_seed(op, seed), pgbind::to_seed(op, stream));
    return pgbind::double_array(std::vector<double>(v.begin(), v.end()));
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_search) {
  using emscripten::function;
  function("_searchSample", &js_search_sample);
  function("_searchGrid", &js_search_grid);
  function("_searchChoice", &js_search_choice);
}
