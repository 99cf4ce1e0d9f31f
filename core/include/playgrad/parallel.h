// playgrad/parallel.h: the thread pool the hot kernels split their work over.
//
// One persistent pool per process: std::thread natively, the same code on Emscripten pthreads in
// the threaded wasm build (wasm/playgrad.mjs preloads the workers and calls configure()). The
// plain wasm build has no threads: the pool size is 1 and run() calls every chunk in turn.
//
// Kernels split their output into chunks (rows or tiles of C, pixels of a convolution, images of
// a batch), never the reduction axis: every output element is computed by the same code in the
// same order whichever thread runs it, so results are bit-identical for any thread count. (One
// reduction is split, a convolution's weight gradient over the batch, in blocks fixed by the
// shapes alone whose partial sums are added in block order: also the same for any thread count.)
// Small problems stay on the calling thread (chunks_for), so the per-op cost does not grow.
#pragma once
#include <cstddef>
#include <type_traits>

namespace pg::parallel {

// The most threads setThreads accepts (the calling thread plus the pool's workers):
// natively min(16, max(4, cores)), so 1, 2 and 3 threads can be tested on any machine; in the
// threaded wasm build what configure() was given; 1 in the plain wasm build.
int max_threads();
// The threads kernels use now (1 <= threads() <= max_threads()); defaults to the machine's
// cores, capped at max_threads().
int threads();
// Sets threads(): n is clamped to max_threads(); n < 1 throws pg::Error
// "setThreads: n must be an integer >= 1, got <n>". Workers start on first use, never stop.
void set_threads(int n);
// Called once by the threaded wasm build before any kernel runs: the pool size (the calling
// thread plus the preloaded Web Workers) and the default thread count; starts the workers. Throws
// on a second call that changes the size after workers started, or on sizes < 1.
void configure(int pool_size, int default_threads);

// Runs fn(i) for every i in [0, chunks), spread over threads() threads (the caller takes part)
// and returns when all are done. fn must not throw and chunks must write disjoint memory. Called
// from inside a chunk, or while another thread's run() is in progress, it runs serially.
// (A function pointer and its context rather than std::function: no allocation per call.)
void run(size_t chunks, void (*fn)(void* ctx, size_t i), void* ctx);
template <class F>
void run(size_t chunks, F&& f) {
  using Fn = std::remove_reference_t<F>;
  run(chunks, [](void* ctx, size_t i) { (*static_cast<Fn*>(ctx))(i); },
      const_cast<void*>(static_cast<const void*>(&f)));
}

// Chunks per thread at most: more chunks than threads let a thread that starts late (a worker
// waking up) take fewer of them.
constexpr size_t kChunksPerThread = 4;

// The work (multiply-adds) of one chunk: about ten microseconds on one thread, against a
// worker's wake-up and the job's hand-off.
constexpr double kChunkWork = double(1 << 17);

// How many chunks to split `work` (in multiply-adds; a copied or compared element counts about
// 4) into: 1 below 2 * kChunkWork, else about work / kChunkWork rounded up to a multiple of
// threads() (equal chunks then finish together), at most min(kChunksPerThread * threads(),
// max_chunks); 1 on one thread.
size_t chunks_for(double work, size_t max_chunks);

// [begin, end) of chunk i when n items are split into `chunks` nearly equal parts, each a
// multiple of `align` items except the last.
inline void chunk_range(size_t n, size_t chunks, size_t i, size_t align, size_t& begin,
                        size_t& end) {
  const size_t units = (n + align - 1) / align;
  const size_t b = units * i / chunks, e = units * (i + 1) / chunks;
  begin = b * align < n ? b * align : n;
  end = e * align < n ? e * align : n;
}

// The thread slots of a job started now: every thread taking part in a run() or for_range has
// its own slot, 0 for the caller (and for every chunk when they all run on one thread), 1 to
// slots() - 1 for the workers. A caller sizes per-thread scratch with it: a thread reuses its
// slot's scratch for every part it takes, so the scratch stays in that core's cache (per-part
// scratch made 2 threads touch 4 blocks each where 1 thread touched one).
inline size_t slots() { return size_t(threads()); }
// The slot of the thread running the current chunk (< slots() of the job it belongs to).
size_t slot();

// f(begin, end) over parts of [0, n): split over the pool when `work` (in multiply-adds, as
// chunks_for) is large enough, each part a multiple of `align` items except the last and none
// empty; otherwise f(0, n) on the calling thread (nothing when n is 0). The parts depend on n,
// work, align and threads() only, and each item is handled by the same code in either case.
// f may take a third argument, the slot of the thread running the part (slot(), < slots(), 0
// when all parts run on the caller), to pick its own scratch.
template <class F>
void for_range(size_t n, double work, size_t align, F&& f) {
  auto call = [&](size_t begin, size_t end, size_t thread_slot) {
    if constexpr (std::is_invocable_v<F&, size_t, size_t, size_t>) f(begin, end, thread_slot);
    else f(begin, end);
  };
  if (n == 0) return;
  const size_t chunks = chunks_for(work, (n + align - 1) / align);
  if (chunks <= 1) return call(size_t(0), n, size_t(0));
  run(chunks, [&](size_t i) {
    size_t begin, end;
    chunk_range(n, chunks, i, align, begin, end);
    if (begin < end) call(begin, end, slot());
  });
}

}  // namespace pg::parallel
