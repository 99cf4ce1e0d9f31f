// Embind binding for anomaly mode (playgrad/anomaly.h); wasm/playgrad.mjs exposes it as
// pg.detectAnomaly(on?). Runs inside guard() so a bad argument reaches JavaScript as an Error.
#include <emscripten/bind.h>
#include <emscripten/val.h>

#include "bind_util.h"
#include "playgrad/autograd/anomaly.h"

using emscripten::val;
using pgbind::guard;

namespace {

// No argument (undefined): the current mode. true/false: sets it and returns the previous mode.
bool js_detect_anomaly(const val& on) {
  return guard([&] {
    if (on.isUndefined()) return pg::detect_anomaly();
    if (!on.isTrue() && !on.isFalse())
      pg::fail("detectAnomaly: on must be true or false (or omitted to read the mode), got ",
               on.typeOf().as<std::string>());
    return pg::set_detect_anomaly(on.isTrue());
  });
}

}  // namespace

EMSCRIPTEN_BINDINGS(playgrad_anomaly) { emscripten::function("_detectAnomaly", &js_detect_anomaly); }
