//! The two pools written by hand for the baselines: a `Mutex<VecDeque>` + `Condvar` queue (the
//! `handrolled` model's design, bare) and crossbeam-deque's parts assembled as a pool.

use super::*;

type Job = Box<dyn FnOnce() + Send>;

struct Queue {
    jobs: VecDeque<Job>,
    waiting: usize,
    closed: bool,
}

/// W threads on a `Mutex<VecDeque>` + `Condvar`; results on an mpsc channel.
pub(super) struct CondvarPool {
    shared: Arc<(Mutex<Queue>, Condvar)>,
    notify: Notify,
    threads: Vec<JoinHandle<()>>,
}

impl CondvarPool {
    pub(super) fn start(workers: usize, notify: Notify) -> Self {
        let shared = Arc::new((
            Mutex::new(Queue {
                jobs: VecDeque::new(),
                waiting: 0,
                closed: false,
            }),
            Condvar::new(),
        ));
        let threads = (0..workers)
            .map(|_| {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || loop {
                    let (queue, available) = &*shared;
                    let mut queue = queue.lock().unwrap();
                    let job = loop {
                        if let Some(job) = queue.jobs.pop_front() {
                            break job;
                        }
                        if queue.closed {
                            return;
                        }
                        queue.waiting += 1;
                        queue = available.wait(queue).unwrap();
                        queue.waiting -= 1;
                    };
                    drop(queue);
                    job();
                })
            })
            .collect();
        Self {
            shared,
            notify,
            threads,
        }
    }
}

impl Drop for CondvarPool {
    fn drop(&mut self) {
        self.shared.0.lock().unwrap().closed = true;
        self.shared.1.notify_all();
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl BarePool for CondvarPool {
    fn run(&self, tasks: usize) -> Vec<u64> {
        let (tx, rx) = mpsc::channel();
        for index in 0..tasks {
            let tx = tx.clone();
            let mut queue = self.shared.0.lock().unwrap();
            queue.jobs.push_back(Box::new(move || {
                let _ = tx.send((index, task(index)));
            }));
            let wake = self.notify == Notify::EverySubmit || queue.waiting > 0;
            drop(queue);
            if wake {
                self.shared.1.notify_one();
            }
        }
        drop(tx);
        collect(tasks, rx)
    }
}

/// crossbeam-deque's three parts as its documentation shows them, as a pool: W threads
/// started once, each with a `Worker` deque; the caller pushes each task onto the `Injector`;
/// a thread takes from its deque, then a batch from the injector, then steals from the others,
/// and when it finds nothing it yields and looks again: within a batch it never sleeps, so there
/// are no wake-ups per task. Between batches it parks, woken once per batch, so that its threads
/// do not spin on the cores while the model beside it is measured.
pub(super) struct CrossbeamDeque {
    shared: Arc<DequeShared>,
    threads: Vec<JoinHandle<()>>,
}

/// A task: its index and the batch's result slots and count of tasks still running.
type DequeJob = (usize, Arc<(Vec<AtomicU64>, AtomicUsize)>);

struct DequeShared {
    injector: crossbeam_deque::Injector<DequeJob>,
    stealers: Vec<crossbeam_deque::Stealer<DequeJob>>,
    /// A batch is running: look for work without parking.
    busy: AtomicBool,
    closed: AtomicBool,
}

impl CrossbeamDeque {
    pub(super) fn start(workers: usize) -> Self {
        use crossbeam_deque::{Injector, Steal, Worker};
        let deques: Vec<Worker<DequeJob>> = (0..workers).map(|_| Worker::new_lifo()).collect();
        let shared = Arc::new(DequeShared {
            injector: Injector::new(),
            stealers: deques.iter().map(Worker::stealer).collect(),
            busy: AtomicBool::new(false),
            closed: AtomicBool::new(false),
        });
        let threads = deques
            .into_iter()
            .map(|local| {
                let shared = Arc::clone(&shared);
                std::thread::spawn(move || loop {
                    let next = local.pop().or_else(|| {
                        iter::repeat_with(|| {
                            shared
                                .injector
                                .steal_batch_and_pop(&local)
                                .or_else(|| shared.stealers.iter().map(|s| s.steal()).collect())
                        })
                        .find(|s| !s.is_retry())
                        .and_then(Steal::success)
                    });
                    match next {
                        Some((index, batch)) => {
                            batch.0[index].store(task(index), Ordering::Relaxed);
                            batch.1.fetch_sub(1, Ordering::Release);
                        }
                        None if shared.closed.load(Ordering::SeqCst) => return,
                        None if shared.busy.load(Ordering::SeqCst) => std::thread::yield_now(),
                        // `run` unparks after setting `busy`: a wake-up is never lost.
                        None => std::thread::park(),
                    }
                })
            })
            .collect();
        Self { shared, threads }
    }
}

impl Drop for CrossbeamDeque {
    fn drop(&mut self) {
        self.shared.closed.store(true, Ordering::SeqCst);
        for thread in &self.threads {
            thread.thread().unpark();
        }
        for thread in self.threads.drain(..) {
            let _ = thread.join();
        }
    }
}

impl BarePool for CrossbeamDeque {
    fn run(&self, tasks: usize) -> Vec<u64> {
        let batch = Arc::new((empty_slots(tasks), AtomicUsize::new(tasks)));
        self.shared.busy.store(true, Ordering::SeqCst);
        for index in 0..tasks {
            self.shared.injector.push((index, Arc::clone(&batch)));
        }
        for thread in &self.threads {
            thread.thread().unpark();
        }
        while batch.1.load(Ordering::Acquire) > 0 {
            std::thread::yield_now();
        }
        self.shared.busy.store(false, Ordering::SeqCst);
        // Every job has stored its result; the last may still be dropping its handle.
        batch
            .0
            .iter()
            .map(|slot| slot.load(Ordering::Relaxed))
            .collect()
    }
}
