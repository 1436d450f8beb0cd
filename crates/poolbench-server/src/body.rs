//! Response bodies: small ones whole, large item bodies streamed a chunk at a time.
//!
//! A client that asks for a 16 MiB item and never reads it must not make the server hold
//! 16 MiB for it: 150 such clients once took the server to 2.5 GB and its `/health` to over a
//! second. An item body larger than [`CHUNK`] is therefore generated as hyper asks for it, one
//! chunk at a time; hyper asks only when the connection's write buffer has room, so a client
//! that does not read costs the server at most a chunk plus hyper's buffer.

use std::convert::Infallible;
use std::pin::Pin;
use std::task::{Context, Poll};

use bytes::Bytes;
use http_body_util::{Either, Full};
use hyper::body::{Body, Frame, SizeHint};
use poolbench_core::ItemBody;

/// Item bodies up to this size are sent whole; larger ones are streamed in chunks this big.
pub const CHUNK: usize = 64 << 10;

/// Any response body the server sends.
pub type AnyBody = Either<Full<Bytes>, ItemStream>;

/// A whole body.
pub fn whole(bytes: impl Into<Bytes>) -> AnyBody {
    Either::Left(Full::new(bytes.into()))
}

/// The body of item `index`, `size` bytes: whole when small, else streamed.
pub fn item(index: u64, size: usize) -> AnyBody {
    if size <= CHUNK {
        whole(poolbench_core::item_body(index, size))
    } else {
        Either::Right(ItemStream {
            body: ItemBody::new(index, size),
        })
    }
}

/// An item body generated chunk by chunk as the connection sends it.
#[derive(Debug)]
pub struct ItemStream {
    body: ItemBody,
}

impl Body for ItemStream {
    type Data = Bytes;
    type Error = Infallible;

    fn poll_frame(
        mut self: Pin<&mut Self>,
        _: &mut Context<'_>,
    ) -> Poll<Option<Result<Frame<Bytes>, Infallible>>> {
        if self.body.remaining() == 0 {
            return Poll::Ready(None);
        }
        let chunk = self.body.next_chunk(CHUNK);
        Poll::Ready(Some(Ok(Frame::data(Bytes::from(chunk)))))
    }

    fn is_end_stream(&self) -> bool {
        self.body.remaining() == 0
    }

    fn size_hint(&self) -> SizeHint {
        SizeHint::with_exact(self.body.remaining() as u64)
    }
}
