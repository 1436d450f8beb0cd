//! The contract between the mock HTTP server and the `http` workload: what `GET /item/{i}`
//! returns, so a client can verify every byte without asking anyone.

/// The body of item `index`, `size` bytes long: a first line naming the item, then letters
/// from a generator seeded with the index. Same arguments, same bytes, everywhere.
pub fn item_body(index: u64, size: usize) -> Vec<u8> {
    let mut body = format!("item {index}\n").into_bytes();
    body.truncate(size);
    let mut state = index ^ 0x9e37_79b9_7f4a_7c15;
    while body.len() < size {
        // xorshift64*: cheap and deterministic.
        state ^= state >> 12;
        state ^= state << 25;
        state ^= state >> 27;
        let word = state.wrapping_mul(0x2545_f491_4f6c_dd1d);
        body.extend(
            word.to_le_bytes()
                .iter()
                .take(size - body.len())
                .map(|b| b'a' + b % 26),
        );
    }
    body
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
}
