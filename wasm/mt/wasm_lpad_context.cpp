// Wasm exception handling under -pthread with Debian's Emscripten 3.1.6 (clang 14): the
// landing-pad context as a plain global, so that catch clauses match.
//
// The problem. A wasm landing pad (code clang writes into every function with a try or a
// destructor to run) stores the pad's index and LSDA into `__wasm_lpad_context`, calls
// `_Unwind_CallPersonality`, then reads back the selector that says which catch clause matched.
// clang 14 addresses that symbol as an ordinary global (i32.const + load/store). Emscripten
// 3.1.6's libunwind (system/lib/libunwind/src/Unwind-wasm.c) defines it `thread_local`, which
// under -pthread lives in the thread's TLS block, not at the symbol's address. So the personality
// function reads an index and LSDA of 0 and writes the selector where the landing pad never
// looks: `catch (const std::exception&)`, even the exact type, never matches and the exception
// falls to `catch (...)` or out to JavaScript as "unknown C++ exception". (LLVM 15 made clang
// access it as thread-local; Emscripten's libunwind had moved ahead of the compiler Debian ships.)
// tests/node/threads.test.mjs checks that the threaded core's errors arrive with the core's
// messages (and the robustness test runs on the threaded core).
//
// The fix. This file defines every function of libunwind's Unwind-wasm.o (same names, same
// behaviour), so the linker takes these and never pulls that object, with the context a plain
// global at the address clang's code uses. It is linked into the threaded core only; the plain
// build has no TLS and uses Emscripten's own.
//
// What that costs: the context is one per process, not per thread. Two threads unwinding at
// the same moment could read each other's selector. In Playgrad only the thread that called
// into the core throws (operators validate before any kernel starts); pool threads run kernels,
// which do not throw, so at most one thread unwinds at a time (docs/threads.md).
#include <unwind.h>

#include <cstdint>

extern "C" {

_Unwind_Reason_Code __gxx_personality_wasm0(int version, _Unwind_Action actions,
                                            uint64_t exceptionClass,
                                            _Unwind_Exception* unwind_exception,
                                            _Unwind_Context* context);

// The layout the compiler's landing pads use: index and LSDA in, selector out.
struct _Unwind_LandingPadContext {
  uintptr_t lpad_index;
  uintptr_t lsda;
  uintptr_t selector;
};

__attribute__((used)) _Unwind_LandingPadContext __wasm_lpad_context;

// Called from landing pads: wasm has no two-phase unwinding, so only the cleanup phase runs.
_Unwind_Reason_Code _Unwind_CallPersonality(void* exception_ptr) {
  auto* e = static_cast<_Unwind_Exception*>(exception_ptr);
  __wasm_lpad_context.selector = 0;
  return __gxx_personality_wasm0(1, _UA_CLEANUP_PHASE, e->exception_class, e,
                                 reinterpret_cast<_Unwind_Context*>(&__wasm_lpad_context));
}

// Called by __cxa_throw: the VM unwinds.
_Unwind_Reason_Code _Unwind_RaiseException(_Unwind_Exception* e) {
  __builtin_wasm_throw(0, e);
}

// Called by __cxa_end_catch.
void _Unwind_DeleteException(_Unwind_Exception* e) {
  if (e->exception_cleanup) e->exception_cleanup(_URC_FOREIGN_EXCEPTION_CAUGHT, e);
}

// The personality function sets the selector (register 1) and reads the pad's index (as an
// instruction pointer: 1-based after its own decrement, hence + 2) and LSDA.
void _Unwind_SetGR(_Unwind_Context* context, int index, _Unwind_Word value) {
  if (index == 1) reinterpret_cast<_Unwind_LandingPadContext*>(context)->selector = value;
}
_Unwind_Word _Unwind_GetIP(_Unwind_Context* context) {
  return reinterpret_cast<_Unwind_LandingPadContext*>(context)->lpad_index + 2;
}
void _Unwind_SetIP(_Unwind_Context*, _Unwind_Word) {}
void* _Unwind_GetLanguageSpecificData(_Unwind_Context* context) {
  return reinterpret_cast<void*>(reinterpret_cast<_Unwind_LandingPadContext*>(context)->lsda);
}
_Unwind_Ptr _Unwind_GetRegionStart(_Unwind_Context*) { return 0; }

}  // extern "C"
