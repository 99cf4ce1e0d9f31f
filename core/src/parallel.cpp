// The thread pool (playgrad/parallel.h).
//
// Workers sleep on a condition variable between jobs. A job is a chunk count and a function;
// each thread (the caller included) takes the next chunk index from an atomic counter until none
// is left, and the caller waits until the last chunk is finished. Chunks write disjoint outputs
// and compute them the same way wherever they run, so which thread takes which chunk does not
// change any result.
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

int cores() {
#if PG_HAS_THREADS && !defined(__EMSCRIPTEN__)
  const unsigned hc = std::thread::hardware_concurrency();
  return hc == 0 ? 1 : int(std::min(hc, 16u));
#else
  return 1;
#endif
}

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
  size_t chunks = 0;
  int wanted = 0;                    // workers taking part in this job
  std::atomic<size_t> next{0};
  std::atomic<int> running{0};       // workers still inside the current job
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

  void take_chunks() {
    for (size_t i = next.fetch_add(1); i < chunks; i = next.fetch_add(1)) fn(ctx, i);
  }

  void worker(int index) {
    unsigned long long seen = 0;
    for (;;) {
      // Spin briefly before sleeping: the next job of a run of ops (a training step) then starts
      // without a sleeping thread's wake-up, which costs up to a millisecond on a virtual machine.
      spin([&] { return posted.load(std::memory_order_acquire) != seen; }, kWorkerSpinUs);
      {
        std::unique_lock<std::mutex> g(m);
        wake.wait(g, [&] { return stopping || (generation != seen && index < wanted); });
        if (stopping) return;
        seen = generation;
      }
      in_pool() = true;
      take_chunks();
      in_pool() = false;
      if (running.fetch_sub(1) == 1) {
        std::lock_guard<std::mutex> g(m);
        done.notify_one();
      }
    }
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
  const double per_chunk = double(1 << 18);
  size_t c = size_t(std::max(1.0, work / per_chunk));
  const size_t t = size_t(threads());
  c = std::min({c, max_chunks, t == 1 ? size_t(1) : kChunksPerThread * t});
  return std::max<size_t>(c, 1);
}

void run(size_t chunks, void (*fn)(void*, size_t), void* ctx) {
  Pool& p = pool();
  if (chunks == 0) return;
  const int helpers = std::min<int>(p.active, int(chunks)) - 1;
  std::unique_lock<std::mutex> busy(p.run_lock, std::defer_lock);
  if (!PG_HAS_THREADS || helpers < 1 || Pool::in_pool() || !busy.try_lock()) {
    for (size_t i = 0; i < chunks; ++i) fn(ctx, i);
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
  {
    std::lock_guard<std::mutex> g(p.m);
    p.fn = fn;
    p.ctx = ctx;
    p.chunks = chunks;
    p.next.store(0);
    p.running.store(used);
    p.wanted = used;
    ++p.generation;
    p.posted.store(p.generation, std::memory_order_release);
  }
  p.wake.notify_all();
  Pool::in_pool() = true;
  p.take_chunks();
  Pool::in_pool() = false;
  Pool::spin([&] { return p.running.load(std::memory_order_acquire) == 0; }, Pool::kCallerSpinUs);
  std::unique_lock<std::mutex> g(p.m);
  p.done.wait(g, [&] { return p.running.load() == 0; });
  p.fn = nullptr;
#endif
}

}  // namespace pg::parallel
