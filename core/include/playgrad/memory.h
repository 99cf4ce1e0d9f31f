// playgrad/memory.h: accounting for tensor memory and the heap.
//
// Every tensor buffer is counted. A request that would take the tensor bytes in use above the
// limit (default 256 MiB) is refused with pg::Error before anything is allocated, so a huge
// shape typed into the page is an error message, never an out-of-memory abort.
#pragma once
#include <cstdint>

namespace pg {

int64_t tensor_bytes_in_use();      // bytes held by live tensor storages
int64_t tensor_memory_limit();      // bytes
void set_tensor_memory_limit(int64_t bytes);
// Bytes allocated on the heap right now (in use, not capacity): mallinfo's uordblks.
int64_t heap_bytes_in_use();

}  // namespace pg
