//! Passing a socket to another process over a Unix socket (SCM_RIGHTS): how the fork server
//! hands each new worker the socket its parent will talk to it on.

use std::io::{self, IoSlice, IoSliceMut};
use std::os::fd::{AsRawFd, FromRawFd, OwnedFd, RawFd};
use std::os::unix::net::UnixStream;

use nix::sys::socket::{recvmsg, sendmsg, ControlMessage, ControlMessageOwned, MsgFlags};

/// Sends `fd` (one marker byte carries it).
pub fn send_fd(channel: &UnixStream, fd: RawFd) -> io::Result<()> {
    let fds = [fd];
    let marker = [b'F'];
    sendmsg::<()>(
        channel.as_raw_fd(),
        &[IoSlice::new(&marker)],
        &[ControlMessage::ScmRights(&fds)],
        MsgFlags::empty(),
        None,
    )?;
    Ok(())
}

/// Receives a file descriptor sent with [`send_fd`].
pub fn recv_fd(channel: &UnixStream) -> io::Result<OwnedFd> {
    let mut marker = [0u8; 1];
    let mut space = nix::cmsg_space!([RawFd; 1]);
    let mut iov = [IoSliceMut::new(&mut marker)];
    let message = recvmsg::<()>(
        channel.as_raw_fd(),
        &mut iov,
        Some(&mut space),
        MsgFlags::MSG_CMSG_CLOEXEC,
    )?;
    for cmsg in message.cmsgs()? {
        if let ControlMessageOwned::ScmRights(fds) = cmsg {
            if let Some(&fd) = fds.first() {
                // SAFETY: the kernel just installed this descriptor for us; nobody else owns it.
                return Ok(unsafe { OwnedFd::from_raw_fd(fd) });
            }
        }
    }
    Err(io::Error::new(
        io::ErrorKind::InvalidData,
        "expected a file descriptor, got none",
    ))
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::io::{Read, Write};

    #[test]
    fn a_socket_survives_the_trip() {
        let (a, b) = UnixStream::pair().unwrap();
        let (mut near, far) = UnixStream::pair().unwrap();
        send_fd(&a, far.as_raw_fd()).unwrap();
        drop(far);
        let mut received = UnixStream::from(recv_fd(&b).unwrap());
        near.write_all(b"hi").unwrap();
        let mut buf = [0u8; 2];
        received.read_exact(&mut buf).unwrap();
        assert_eq!(&buf, b"hi");
    }
}
