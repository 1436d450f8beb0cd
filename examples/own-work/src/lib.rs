//! The own-work example: see `benches/own_work.rs`, which is all there is to it. Run it with
//! `cargo bench -p own-work-example --bench own_work -- --out DIR`.
