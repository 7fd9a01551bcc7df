// Reads ONNX ModelProto / TensorProto bytes into the graph IR.
//
// Parsing is done by the protobuf classes generated from onnx.proto that Debian's libonnx-dev ships
// (libonnx_proto): the wire format is decoded by a widely fuzzed library rather than a hand-written
// reader, and this file only validates the decoded messages (sizes, dims, types, references).
// Every failure is returned as a Result with a reason; nothing throws or aborts on bad bytes.
#pragma once

#include <string>
#include <string_view>

#include "model/graph.hpp"

namespace zk::model {

// Reads at most `max_bytes` of the file at `path`; fails if it is larger or unreadable.
Result<std::string> read_file_bounded(const std::string& path, std::size_t max_bytes);

// Decodes a serialized ModelProto. Checks: size cap, default-domain opset present, every node input
// defined by a graph input, initializer or earlier node (nodes are re-sorted topologically; a cycle
// is an error), tensor sizes within Limits. Symbolic input dims become -1.
Result<Graph> load_onnx_bytes(std::string_view bytes);
Result<Graph> load_onnx_file(const std::string& path);

// Decodes a serialized TensorProto (an input .pb file) into a float tensor.
Result<FloatTensor> load_tensor_proto_bytes(std::string_view bytes);

}  // namespace zk::model
