//! The contract between the mock HTTP server and the `http` workload: what `GET /item/{i}`
//! returns, so a client can verify every byte without asking anyone.

/// The body of item `index`, `size` bytes long: a first line naming the item, then letters
/// from a generator seeded with the index. Same arguments, same bytes, everywhere.
pub fn item_body(index: u64, size: usize) -> Vec<u8> {
    ItemBody::new(index, size).next_chunk(size)
}

/// [`item_body`] produced a chunk at a time, so a server can stream a large body without
/// holding it whole: the chunks, concatenated, are exactly `item_body(index, size)`.
#[derive(Debug, Clone)]
pub struct ItemBody {
    header: Vec<u8>,
    /// Bytes of `header` already produced.
    header_sent: usize,
    /// The letter generator (xorshift64*, seeded with the index).
    state: u64,
    /// The current word's letters, and how many of them are produced.
    word: [u8; 8],
    word_sent: usize,
    remaining: usize,
}

impl ItemBody {
    /// The body of item `index`, `size` bytes long, none produced yet.
    pub fn new(index: u64, size: usize) -> Self {
        let mut header = format!("item {index}\n").into_bytes();
        header.truncate(size);
        Self {
            header,
            header_sent: 0,
            state: index ^ 0x9e37_79b9_7f4a_7c15,
            word: [0; 8],
            word_sent: 8,
            remaining: size,
        }
    }

    /// Bytes not produced yet.
    pub fn remaining(&self) -> usize {
        self.remaining
    }

    /// The next `most` bytes (fewer at the end; none once all are produced).
    pub fn next_chunk(&mut self, most: usize) -> Vec<u8> {
        let take = most.min(self.remaining);
        let mut chunk = Vec::with_capacity(take);
        let header = &self.header[self.header_sent..];
        let from_header = header.len().min(take);
        chunk.extend_from_slice(&header[..from_header]);
        self.header_sent += from_header;
        while chunk.len() < take {
            if self.word_sent == 8 {
                self.state ^= self.state >> 12;
                self.state ^= self.state << 25;
                self.state ^= self.state >> 27;
                let word = self.state.wrapping_mul(0x2545_f491_4f6c_dd1d).to_le_bytes();
                self.word = word.map(|b| b'a' + b % 26);
                self.word_sent = 0;
            }
            let n = (8 - self.word_sent).min(take - chunk.len());
            chunk.extend_from_slice(&self.word[self.word_sent..self.word_sent + n]);
            self.word_sent += n;
        }
        self.remaining -= take;
        chunk
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bodies_are_deterministic_sized_and_distinct() {
        assert_eq!(item_body(3, 64), item_body(3, 64));
        assert_eq!(item_body(3, 64).len(), 64);
        assert_ne!(item_body(3, 64), item_body(4, 64));
        assert!(item_body(12, 100).starts_with(b"item 12\n"));
        assert_eq!(item_body(12, 3), b"ite");
        assert!(item_body(0, 0).is_empty());
    }

    #[test]
    fn chunks_of_any_size_concatenate_to_the_whole_body() {
        for (index, size, chunk) in [(5, 1000, 7), (123_456, 64, 3), (9, 40, 64), (1, 5, 2)] {
            let mut body = ItemBody::new(index, size);
            let mut streamed = Vec::new();
            while body.remaining() > 0 {
                streamed.extend(body.next_chunk(chunk));
            }
            assert_eq!(streamed, item_body(index, size), "{index} {size} {chunk}");
        }
    }
}
