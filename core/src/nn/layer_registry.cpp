// The layer registry: every layer kind by name (see "Adding a layer kind" in nn.h).
// A new kind is one line in the list below.
#include <map>

#include "playgrad/nn/layers.h"
#include "playgrad/nn/layers_conv.h"

namespace pg::nn {

static const std::map<std::string, LayerFactory>& registry() {
  static const std::map<std::string, LayerFactory> r = {
      {"Dense", &create<Dense>},
      {"Activation", &create<Activation>},
      {"Dropout", &create<Dropout>},
      {"BatchNormalization", &create<BatchNormalization>},
      {"Concatenate", &create<Concatenate>},
      {"Flatten", &create<Flatten>},
      {"Conv2D", &create<Conv2D>},
      {"DepthwiseConv2D", &create<DepthwiseConv2D>},
      {"Conv2DTranspose", &create<Conv2DTranspose>},
      {"MaxPooling2D", &create<MaxPooling2D>},
      {"AveragePooling2D", &create<AveragePooling2D>},
      {"GlobalAveragePooling2D", &create<GlobalAveragePooling2D>},
      {"UpSampling2D", &create<UpSampling2D>},
  };
  return r;
}

std::unique_ptr<Layer> create_layer(const std::string& kind, const Json& config) {
  const auto& r = registry();
  auto it = r.find(kind);
  if (it == r.end()) {
    std::string known;
    for (const auto& [k, f] : r) known += (known.empty() ? "" : ", ") + k;
    fail("layer: unknown layer kind '", kind, "' (known: ", known, ")");
  }
  if (!config.is_object()) fail(kind, ": config must be an object");
  return it->second(config);
}

std::vector<std::string> layer_kinds() {
  std::vector<std::string> out;
  for (const auto& [k, f] : registry()) out.push_back(k);
  return out;
}

}  // namespace pg::nn
