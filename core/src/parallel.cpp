// The thread pool (playgrad/parallel.h).
//
// Workers sleep on a condition variable between jobs. A job is a chunk count and a function;
// the chunks are dealt out in contiguous runs, one run per thread taking part (the caller's
// first), each run with its own atomic counter. A thread takes the chunks of its own run in order,
// then helps with the others' (a thread that starts late, a worker waking up, leaves its run to
// the others). The caller waits until the last chunk is finished. Chunks write disjoint outputs
// and compute them the same way wherever they run, so which thread takes which chunk does not
// change any result.
//
// The caller does not wait for a worker that has not started: once every chunk is taken it
// closes the job and waits only for the workers inside it (those still running a chunk). A
// worker that wakes after the close skips the job. (Waiting for every worker to check in cost
// the caller a late worker's whole wake-up, up to a millisecond on a virtual machine, on every
// op of a training step whose work had all been done by then.)
//
// Why runs rather than one shared counter: consecutive ops split their tensors the same way
// (chunk i of k covers about the i-th k-th of an NHWC buffer, whether by pixels, images or
// elements), so with runs thread j handles about the same part of every tensor and finds it in
// its own core's cache. With one counter the parts moved between cores from op to op, and an
// op that reads what the last one wrote (a bias add after a convolution, ReLU, pooling) was
// slower on 2 threads than on 1 in the cnn lesson's step.
#include "playgrad/parallel.h"

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <mutex>
#include <system_error>
#include <thread>
#include <vector>

#include "playgrad/error.h"

#if !defined(__EMSCRIPTEN__) || defined(__EMSCRIPTEN_PTHREADS__)
#define PG_HAS_THREADS 1
#else
#define PG_HAS_THREADS 0
#endif

namespace pg::parallel {
namespace {

#if PG_HAS_THREADS && !defined(__EMSCRIPTEN__)
// The machine's cores, at most 16 (natively only: the wasm builds are told by configure()).
int cores() {
  const unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : int(std::min(hc, 16u));
}
#endif

struct Pool {
#if PG_HAS_THREADS && !defined(__EMSCRIPTEN__)
  int size = std::min(16, std::max(4, cores()));
#if defined(PG_DEFAULT_ONE_THREAD)
  int active = 1;  // the sanitized build (CMakeLists.txt)
#else
  int active = std::min(cores(), size);
#endif
#else
  int size = 1;  // the wasm builds: configure() sets it
  int active = 1;
#endif
  std::vector<std::thread> workers;

  std::mutex m;                      // guards the job fields and generation
  std::condition_variable wake, done;
  std::mutex run_lock;               // one run() at a time; others run serially
  unsigned long long generation = 0;
  void (*fn)(void*, size_t) = nullptr;
  void* ctx = nullptr;
  int wanted = 0;                    // workers taking part in this job
  // Thread j's run of chunks [next, end) (j = 0 the caller, j = w + 1 worker w), each on its own
  // cache line; `parts` runs in this job.
  struct alignas(64) Run {
    std::atomic<size_t> next{0};
    size_t end = 0;
  };
  static constexpr int kMaxRuns = 16;  // >= the pool's size (at most 16 threads)
  Run runs[kMaxRuns];
  int parts = 0;
  std::atomic<int> running{0};       // workers inside the current job (joined under m)
  bool open = false;                 // workers may still join the current job (guarded by m)
  int sleepers = 0;                  // workers inside wake.wait (guarded by m)
  bool stopping = false;
  std::atomic<unsigned long long> posted{0};  // generation, readable without the lock
  // How long a worker spins for the next job before sleeping, and the caller for the workers to
  // finish before sleeping: a wake-up from sleep costs up to a millisecond on a virtual machine.
  static constexpr double kWorkerSpinUs = 300, kCallerSpinUs = 2000;
  static void relax() {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
  }
  // Spins until done() or `us` microseconds have passed (the clock read every 256 turns);
  // returns done().
  template <class Done>
  static bool spin(Done done, double us) {
    const auto until = std::chrono::steady_clock::now() + std::chrono::duration<double, std::micro>(us);
    for (unsigned turn = 1;; ++turn) {
      if (done()) return true;
      relax();
      if (turn % 256 == 0 && std::chrono::steady_clock::now() >= until) return done();
    }
  }

  ~Pool() {
    {
      std::lock_guard<std::mutex> g(m);
      stopping = true;
    }
    wake.notify_all();
    for (auto& t : workers) t.join();
  }

  // Thread `self` takes its own run's chunks, then what is left of the others'.
  void take_chunks(int self) {
    slot_ref() = size_t(self);
    for (int k = 0; k < parts; ++k) {
      Run& r = runs[(self + k) % parts];
      for (size_t i = r.next.fetch_add(1); i < r.end; i = r.next.fetch_add(1)) fn(ctx, i);
    }
  }

  void worker(int index) {
    unsigned long long seen = 0;
    for (;;) {
      // Spin briefly before sleeping: the next job of a run of ops (a training step) then starts
      // without a sleeping thread's wake-up, which costs up to a millisecond on a virtual machine.
      spin([&] { return posted.load(std::memory_order_acquire) != seen; }, kWorkerSpinUs);
      {
        std::unique_lock<std::mutex> g(m);
        ++sleepers;
        wake.wait(g, [&] { return stopping || (generation != seen && index < wanted); });
        --sleepers;
        if (stopping) return;
        seen = generation;
        if (!open) continue;  // woke after the caller closed it: every chunk was taken
        running.fetch_add(1);
      }
      in_pool() = true;
      take_chunks(index + 1);
      in_pool() = false;
      if (running.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> g(m);
        done.notify_one();
      }
    }
  }

  // The slot of the thread running a chunk now (parallel.h slot()): a worker's own index + 1 while
  // it takes chunks, 0 on every other thread (the caller's take_chunks(0) sets 0, and a serial
  // job inside a worker's chunk sets 0 and puts the worker's back).
  static size_t& slot_ref() {
    thread_local size_t slot = 0;
    return slot;
  }
  static bool& in_pool() {
    thread_local bool flag = false;
    return flag;
  }
};

Pool& pool() {
  static Pool p;
  return p;
}

}  // namespace

int max_threads() { return pool().size; }
size_t slot() { return Pool::slot_ref(); }
int threads() { return pool().active; }

void set_threads(int n) {
  if (n < 1) fail("setThreads: n must be an integer >= 1, got ", n);
  pool().active = std::min(n, pool().size);
}

void configure(int pool_size, int default_threads) {
  Pool& p = pool();
  if (pool_size < 1 || default_threads < 1)
    fail("threads: pool size and default threads must be >= 1, got ", pool_size, " and ",
         default_threads);
#if !PG_HAS_THREADS
  pool_size = 1;
#endif
  pool_size = std::min(pool_size, Pool::kMaxRuns);
  std::lock_guard<std::mutex> g(p.run_lock);
  if (!p.workers.empty() && pool_size != p.size)
    fail("threads: the pool already runs ", p.size, " threads and cannot be resized");
  p.size = pool_size;
  p.active = std::min(default_threads, pool_size);
  // Start every worker now (a wasm thread's stack comes from the heap): the pool's memory is
  // taken once, at load, not by the first large op.
#if PG_HAS_THREADS
  for (int ready = int(p.workers.size()); ready < p.size - 1; ++ready) {
    try {
      p.workers.emplace_back([&p, ready] { p.worker(ready); });
    } catch (const std::system_error&) {
      p.size = ready + 1;
      p.active = std::min(p.active, p.size);
      break;
    }
  }
#endif
}

size_t chunks_for(double work, size_t max_chunks) {
  const size_t t = size_t(threads());
  size_t c = size_t(std::max(1.0, work / kChunkWork));
  if (t == 1 || c < 2 || max_chunks < 2) return 1;
  // Whole rounds of threads: 3 equal chunks on 2 threads take as long as 4 (one thread runs two).
  c = (c + t - 1) / t * t;
  return std::min({c, max_chunks, kChunksPerThread * t});
}

void run(size_t chunks, void (*fn)(void*, size_t), void* ctx) {
  Pool& p = pool();
  if (chunks == 0) return;
  const int helpers = std::min<int>(p.active, int(chunks)) - 1;
  std::unique_lock<std::mutex> busy(p.run_lock, std::defer_lock);
  if (!PG_HAS_THREADS || helpers < 1 || Pool::in_pool() || !busy.try_lock()) {
    // Every chunk on this thread: slot 0 of this job (a job run inside a worker's chunk has its
    // own scratch).
    const size_t outer = Pool::slot_ref();
    Pool::slot_ref() = 0;
    for (size_t i = 0; i < chunks; ++i) fn(ctx, i);
    Pool::slot_ref() = outer;
    return;
  }
#if PG_HAS_THREADS
  int ready = int(p.workers.size());
  while (ready < helpers) {
    try {
      p.workers.emplace_back([&p, ready] { p.worker(ready); });
      ++ready;
    } catch (const std::system_error&) {
      // No thread to be had (a wasm pool without a free Web Worker): use the ones running.
      p.size = p.active = ready + 1;
      break;
    }
  }
  if (ready < 1) {
    busy.unlock();
    for (size_t i = 0; i < chunks; ++i) fn(ctx, i);
    return;
  }
  const int used = std::min(helpers, ready);
  bool wake_them = false;
  {
    std::lock_guard<std::mutex> g(p.m);
    p.fn = fn;
    p.ctx = ctx;
    p.parts = used + 1;
    for (int j = 0; j < p.parts; ++j) {
      p.runs[j].next.store(chunks * size_t(j) / size_t(p.parts));
      p.runs[j].end = chunks * size_t(j + 1) / size_t(p.parts);
    }
    p.running.store(0);
    p.open = true;
    p.wanted = used;
    ++p.generation;
    p.posted.store(p.generation, std::memory_order_release);
    // Only a worker inside wake.wait needs the wake-up (a futex call, a few microseconds on the
    // caller's path); one still spinning sees `posted`, and one about to wait checks generation
    // under m first.
    wake_them = p.sleepers > 0;
  }
  if (wake_them) p.wake.notify_all();
  Pool::in_pool() = true;
  p.take_chunks(0);
  Pool::in_pool() = false;
  // Every chunk is taken: close the job, then wait for the workers still running one.
  {
    std::lock_guard<std::mutex> g(p.m);
    p.open = false;
  }
  Pool::spin([&] { return p.running.load(std::memory_order_acquire) == 0; }, Pool::kCallerSpinUs);
  std::unique_lock<std::mutex> g(p.m);
  p.done.wait(g, [&] { return p.running.load() == 0; });
  p.fn = nullptr;
#endif
}

}  // namespace pg::parallel
