// Integer fields of the JSON the core accepts (playgrad/json.h): every one is read through
// json::integer, which names the field and the value and refuses fractions, strings, values
// beyond the field's range and numbers no integer type holds. The model file with
// "version": 6.67e79 was a fuzzing finding (a float-to-int conversion out of range, undefined
// behaviour natively and "unsupported version -2147483648" in wasm); its input is kept in
// tests/fuzz/corpus/model_json/huge-version.
#include <fstream>
#include <sstream>

#include "playgrad/json.h"
#include "playgrad/nn/model.h"
#include "playgrad/nn/optim.h"
#include "test_util.h"

using namespace pg;
using pg::json::Json;
using pgt::error_of;

namespace {

// A small saved model with one field replaced by `value` (raw JSON text).
std::string model_file_with(const std::string& key, const std::string& value) {
  nn::Model m(nn::sequential_spec({2}, Json::array({{{"kind", "Dense"}, {"config", {{"units", 2}}}}})), 3);
  Json j = Json::parse(m.to_json());
  j[key] = 0;
  const std::string marker = "\"" + key + "\":0";
  std::string text = j.dump();
  text.replace(text.find(marker), marker.size(), "\"" + key + "\":" + value);
  return text;
}

}  // namespace

TEST(JsonInteger, AcceptsIntegersAndIntegralFloatsInRange) {
  EXPECT_EQ(json::integer("op", "n", Json(7)), 7);
  EXPECT_EQ(json::integer("op", "n", Json(-3)), -3);
  EXPECT_EQ(json::integer("op", "n", Json::parse("2.0")), 2);
  EXPECT_EQ(json::integer("op", "n", Json::parse("1e3")), 1000);
  EXPECT_EQ(json::integer("op", "n", Json(uint64_t(5)), 0, 5), 5);
  EXPECT_EQ(json::integer("op", "n", Json::parse("9007199254740992")), int64_t(1) << 53);
  // absent or null: the default; present: checked
  EXPECT_EQ(json::integer("op", Json::object(), "n", 4), 4);
  EXPECT_EQ(json::integer("op", Json{{"n", nullptr}}, "n", 4), 4);
  EXPECT_EQ(json::integer("op", Json{{"n", 9}}, "n", 4, 0, 10), 9);
}

TEST(JsonInteger, RefusesNamingTheFieldAndTheValue) {
  EXPECT_EQ(error_of([] { json::integer("loadModel", "version", Json::parse("6.67e79"), 0, 2147483647); }),
            "loadModel: version must be an integer from 0 to 2147483647, got 6.67e+79");
  EXPECT_EQ(error_of([] { json::integer("Dense", "units", Json::parse("2.5"), 1); }),
            "Dense: units must be an integer, got 2.5");
  EXPECT_EQ(error_of([] { json::integer("Dense", "units", Json(-4), 1); }),
            "Dense: units must be an integer >= 1, got -4");
  EXPECT_EQ(error_of([] { json::integer("fit", "epochs", Json("3")); }), "fit: epochs must be an integer, got \"3\"");
  EXPECT_EQ(error_of([] { json::integer("fit", "epochs", Json(true)); }), "fit: epochs must be an integer, got true");
  EXPECT_EQ(error_of([] { json::integer("op", "n", Json::parse("-1e300")); }),
            "op: n must be an integer of magnitude at most 2^53, got -1e+300");
  EXPECT_EQ(error_of([] { json::integer("op", "n", Json(uint64_t(1) << 63), 0, std::numeric_limits<int64_t>::max()); }),
            "op: n must be an integer >= 0, got 9223372036854775808");
  EXPECT_EQ(error_of([] { json::integer("op", "n", Json(std::numeric_limits<double>::quiet_NaN())); }),
            "op: n must be an integer, got null");
  EXPECT_EQ(error_of([] { json::integer("op", "n", Json(11), 0, 10); }), "op: n must be an integer from 0 to 10, got 11");
}

// The fuzzing finding: a huge number in an integer field of a model file is a clear error.
TEST(JsonInteger, ModelFileIntegerFields) {
  EXPECT_EQ(error_of([] { nn::Model::from_json(model_file_with("version", "6.67e79")); }),
            "loadModel: version must be an integer from 0 to 2147483647, got 6.67e+79");
  EXPECT_EQ(error_of([] { nn::Model::from_json(model_file_with("version", "1.5")); }),
            "loadModel: version must be an integer, got 1.5");
  EXPECT_EQ(error_of([] { nn::Model::from_json(model_file_with("version", "-1")); }),
            "loadModel: version must be an integer from 0 to 2147483647, got -1");
  EXPECT_EQ(error_of([] { nn::Model::from_json(model_file_with("version", "99")); }), "loadModel: unsupported version 99");
  EXPECT_EQ(error_of([] { nn::Model::from_json(model_file_with("seed", "-2")); }),
            "loadModel: seed must be an integer >= 0, got -2");
  EXPECT_EQ(error_of([] { nn::Model::from_json(model_file_with("seed", "1e30")); }),
            "loadModel: seed must be an integer >= 0, got 1e+30");
  EXPECT_EQ(error_of([] { nn::Model::from_json(model_file_with("seed", "0.25")); }),
            "loadModel: seed must be an integer, got 0.25");
  // 1.0 is 1: what JavaScript writes for either
  EXPECT_NO_THROW(nn::Model::from_json(model_file_with("version", "1.0")));
}

TEST(JsonInteger, TheFuzzInputThatFoundItIsKept) {
  std::ifstream f(std::string(PG_SOURCE_DIR) + "/tests/fuzz/corpus/model_json/huge-version");
  ASSERT_TRUE(f) << "tests/fuzz/corpus/model_json/huge-version is missing";
  std::stringstream s;
  s << f.rdbuf();
  EXPECT_NE(s.str().find("6.67e79"), std::string::npos);
  EXPECT_EQ(error_of([&] { nn::Model::from_json(s.str()); }),
            "loadModel: version must be an integer from 0 to 2147483647, got 6.67e+79");
}

TEST(JsonInteger, SpecLayerConfigAndOptionIntegers) {
  using nn::Model;
  auto spec = [](const std::string& input, const std::string& units) {
    return Json::parse(R"({"layers": [{"kind": "Dense", "name": "d", "config": {"units": )" + units +
                       R"(}}], "nodes": [{"input": )" + input + R"(}, {"layer": "d", "inbound": [0]}],
                          "inputs": [0], "outputs": [1]})");
  };
  EXPECT_NO_THROW(Model(spec("[2]", "3"), 0));
  EXPECT_EQ(error_of([&] { Model(spec("[2]", "2.5"), 0); }), "Dense: units must be an integer, got 2.5");
  EXPECT_EQ(error_of([&] { Model(spec("[2]", "6.67e79"), 0); }),
            "Dense: units must be an integer of magnitude at most 2^53, got 6.67e+79");
  EXPECT_EQ(error_of([&] { Model(spec("[2.5]", "3"), 0); }),
            "model: an input shape's dimension must be an integer, got 2.5");
  EXPECT_EQ(error_of([&] { Model(spec("[0]", "3"), 0); }),
            "model: an input shape's dimension must be an integer >= 1, got 0");
  EXPECT_EQ(error_of([&] { Model(spec("[1e20]", "3"), 0); }),
            "model: an input shape's dimension must be an integer >= 1, got 1e+20");
  Json bad = spec("[2]", "3");
  bad["outputs"] = Json::array({1.5});
  EXPECT_EQ(error_of([&] { Model(bad, 0); }), "model: output must be an integer, got 1.5");
  bad["outputs"] = Json::array({-1});
  EXPECT_EQ(error_of([&] { Model(bad, 0); }), "model: output must be an integer from 0 to 1, got -1");
  bad = spec("[2]", "3");
  bad["nodes"][1]["inbound"] = Json::array({6.67e79});
  EXPECT_EQ(error_of([&] { Model(bad, 0); }), "model: inbound node must be an integer from 0 to 0, got 6.67e+79");

  // compile / fit / schedules / saved optimizer state
  Model m(spec("[2]", "1"), 0);
  EXPECT_EQ(error_of([] { nn::fit_options_from_json({{"epochs", 2.5}}); }), "fit: epochs must be an integer, got 2.5");
  EXPECT_EQ(error_of([] { nn::fit_options_from_json({{"batchSize", 6.67e79}}); }),
            "fit: batchSize must be an integer of magnitude at most 2^53, got 6.67e+79");
  EXPECT_EQ(error_of([] { optim::parse_schedule({{"kind", "step"}, {"stepSize", 1.5}}); }),
            "lrSchedule: stepSize must be an integer, got 1.5");
  EXPECT_EQ(error_of([] { optim::parse_schedule({{"kind", "cosine"}, {"tMax", 0}}); }),
            "lrSchedule: tMax must be an integer from 1 to 1000000000000, got 0");
  m.compile({{"optimizer", "adam"}, {"loss", "mse"}});
  Json st = m.optimizer()->state_json();
  st["state"][0]["step"] = -1;
  EXPECT_EQ(error_of([&] { m.optimizer()->load_state_json(st); }),
            "adam.loadState: parameter 0's step must be an integer >= 0, got -1");
  st["state"][0]["step"] = 6.67e79;
  EXPECT_EQ(error_of([&] { m.optimizer()->load_state_json(st); }),
            "adam.loadState: parameter 0's step must be an integer >= 0, got 6.67e+79");
}
