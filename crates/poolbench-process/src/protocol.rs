//! The wire protocol between the pool and its workers: length-prefixed postcard frames.
//!
//! Every message is a 4-byte little-endian length followed by that many bytes of postcard
//! (compact, serde-based) encoding. Workload specs travel as JSON text inside a frame because
//! their parameters are free-form JSON, which a non-self-describing format cannot carry.

use std::io::{self, Read, Write};
use std::path::PathBuf;

use poolbench_core::TaskResult;
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// Frames larger than this are refused: a corrupt length must not allocate gigabytes.
const MAX_FRAME: usize = 64 << 20;

/// Parent → worker.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Request {
    /// Build this workload (once); the worker answers [`Reply::Ready`] or [`Reply::InitFailed`].
    Init {
        spec_json: String,
        cache_dir: PathBuf,
    },
    /// Run task `index` of the current workload; the worker answers [`Reply::Done`].
    Run { index: u64 },
    /// Finish: the worker exits with status 0.
    Exit,
}

/// Worker → parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum Reply {
    Ready,
    InitFailed {
        message: String,
    },
    /// A task's result with its start and finish on the system-wide monotonic clock (ns).
    Done {
        index: u64,
        result: TaskResult,
        started_ns: u64,
        finished_ns: u64,
    },
}

/// Parent → fork server.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ServerRequest {
    /// Fork a worker that serves on the socket passed with this message (SCM_RIGHTS).
    Fork,
    /// Wait for worker `pid` to end and report how it ended.
    Reap { pid: i32 },
    /// Reap every child and exit.
    Exit,
}

/// Fork server → parent.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ServerReply {
    Forked { pid: i32 },
    ForkFailed { message: String },
    Reaped { status: String },
}

/// Writes one frame.
pub fn write_frame<T: Serialize>(out: &mut impl Write, message: &T) -> io::Result<()> {
    let body = postcard::to_stdvec(message).map_err(io::Error::other)?;
    let mut frame = Vec::with_capacity(4 + body.len());
    frame.extend_from_slice(&(body.len() as u32).to_le_bytes());
    frame.extend_from_slice(&body);
    out.write_all(&frame)?;
    out.flush()
}

/// Reads one frame; `UnexpectedEof` when the peer has gone.
pub fn read_frame<T: DeserializeOwned>(input: &mut impl Read) -> io::Result<T> {
    let mut len = [0u8; 4];
    input.read_exact(&mut len)?;
    let len = u32::from_le_bytes(len) as usize;
    if len > MAX_FRAME {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!("frame of {len} bytes"),
        ));
    }
    let mut body = vec![0u8; len];
    input.read_exact(&mut body)?;
    postcard::from_bytes(&body).map_err(|e| io::Error::new(io::ErrorKind::InvalidData, e))
}

/// Now on the system-wide monotonic clock, in nanoseconds: comparable between processes.
pub fn monotonic_ns() -> u64 {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: clock_gettime writes into the timespec we own.
    unsafe { libc::clock_gettime(libc::CLOCK_MONOTONIC, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

#[cfg(test)]
mod tests {
    use super::*;
    use poolbench_core::{TaskError, TaskOutput};

    #[test]
    fn frames_round_trip() {
        let messages = [
            Reply::Ready,
            Reply::Done {
                index: 7,
                result: Ok(TaskOutput { checksum: 42 }),
                started_ns: 1,
                finished_ns: 2,
            },
            Reply::Done {
                index: 8,
                result: Err(TaskError::Panicked {
                    message: "boom".into(),
                }),
                started_ns: 3,
                finished_ns: 4,
            },
        ];
        let mut wire = Vec::new();
        for m in &messages {
            write_frame(&mut wire, m).unwrap();
        }
        let mut input = wire.as_slice();
        for m in &messages {
            assert_eq!(&read_frame::<Reply>(&mut input).unwrap(), m);
        }
        let eof = read_frame::<Reply>(&mut input).unwrap_err();
        assert_eq!(eof.kind(), io::ErrorKind::UnexpectedEof);
    }

    #[test]
    fn absurd_lengths_are_refused() {
        let mut wire = (u32::MAX).to_le_bytes().to_vec();
        wire.extend_from_slice(&[0; 16]);
        let err = read_frame::<Reply>(&mut wire.as_slice()).unwrap_err();
        assert_eq!(err.kind(), io::ErrorKind::InvalidData);
    }

    #[test]
    fn monotonic_clock_moves_forward() {
        let a = monotonic_ns();
        assert!(monotonic_ns() >= a);
    }
}
