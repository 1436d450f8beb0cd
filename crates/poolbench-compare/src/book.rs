//! The model book: how a report orders, draws and treats its models, as a value.
//!
//! Built from what the results files record (each model's style and role, the run's order),
//! so a model this poolbench does not know is drawn as its file says. Every workload group
//! carries its book ([`crate::WorkloadGroup::book`]), and charts read styles from there: no
//! state on the side, so two reports rendered at once cannot draw each other's models.

use poolbench_core::{Marker, ModelRole, ModelStyle};

use crate::data::Input;

/// The models poolbench had when results files began to record their own order and styles,
/// with the colour each was drawn in (its marker is `Marker::ALL[place % 4]`). Files from
/// before then are drawn with it. Frozen: it never grows (a test checks that it is a prefix of
/// the model registry, colours included).
pub const LEGACY_MODELS: [(&str, [u8; 3]); 11] = [
    ("sequential", [80, 80, 80]),
    ("thread-per-task", [214, 39, 40]),
    ("handrolled", [31, 119, 180]),
    ("threadpool", [255, 127, 14]),
    ("rayon", [44, 160, 44]),
    ("crossbeam", [148, 103, 189]),
    ("tokio", [23, 190, 207]),
    ("tokio-blocking", [140, 86, 75]),
    ("process", [227, 119, 194]),
    ("process-fork", [188, 189, 34]),
    ("process-spawn", [0, 0, 128]),
];

/// The names of [`LEGACY_MODELS`], in order: the order of a file that records none.
pub fn legacy_order() -> Vec<String> {
    LEGACY_MODELS.iter().map(|(m, _)| (*m).to_owned()).collect()
}

/// How a report draws and treats its models: their order, each one's colour and marker, and
/// which is the oracle.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ModelBook {
    entries: Vec<BookEntry>,
    /// Each entry's place by name: a report of many models looks names up in constant time.
    places: std::collections::HashMap<String, usize>,
}

#[derive(Debug, Clone, PartialEq)]
struct BookEntry {
    name: String,
    style: ModelStyle,
    oracle: bool,
}

/// What a file says of one model, for [`ModelBook::new`].
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct Described {
    /// Its recorded style; `None`: the legacy palette's, else a generated one.
    pub style: Option<ModelStyle>,
    /// Whether it is the run's oracle.
    pub oracle: bool,
}

impl ModelBook {
    /// Models in `order`, each as `describe` says.
    pub fn new(order: &[String], describe: impl Fn(&str) -> Described) -> Self {
        let entries = order
            .iter()
            .enumerate()
            .map(|(index, name)| {
                let described = describe(name);
                BookEntry {
                    name: name.clone(),
                    style: described.style.unwrap_or_else(|| legacy_style(name, index)),
                    oracle: described.oracle,
                }
            })
            .collect::<Vec<BookEntry>>();
        let mut places = std::collections::HashMap::with_capacity(entries.len());
        for (place, entry) in entries.iter().enumerate() {
            places.entry(entry.name.clone()).or_insert(place);
        }
        Self { entries, places }
    }

    fn entry(&self, model: &str) -> Option<&BookEntry> {
        self.places.get(model).map(|&place| &self.entries[place])
    }

    /// The book of files that record no styles: `order`, legacy styles, `sequential` the
    /// oracle.
    pub fn legacy(order: &[String]) -> Self {
        Self::new(order, |name| Described {
            style: None,
            oracle: name == LEGACY_MODELS[0].0,
        })
    }

    /// The book for `inputs`: in [`model_order`], each model in the style and role the first
    /// file describing it records (files from before styles were recorded get the legacy
    /// ones).
    pub fn of(inputs: &[Input]) -> Self {
        Self::new(&model_order(inputs), |name| Described {
            style: inputs
                .iter()
                .find_map(|i| i.results.model(name))
                .map(|m| m.style),
            oracle: inputs
                .iter()
                .any(|i| i.results.model_role(name) == ModelRole::Oracle),
        })
    }

    /// `model`'s place in the book; models not in it go after every one that is.
    pub fn index(&self, model: &str) -> usize {
        self.places
            .get(model)
            .copied()
            .unwrap_or(self.entries.len())
    }

    /// How `model` is drawn: its entry's style, else a generated one.
    pub fn style(&self, model: &str) -> ModelStyle {
        match self.entry(model) {
            Some(entry) => entry.style,
            None => legacy_style(model, self.index(model)),
        }
    }

    /// Whether `model` is the oracle (the sequential reference).
    pub fn is_oracle(&self, model: &str) -> bool {
        match self.entry(model) {
            Some(entry) => entry.oracle,
            None => model == LEGACY_MODELS[0].0,
        }
    }
}

/// The models' order for a report of `inputs`: the first file's recorded order (else the
/// legacy one), then any other model the files hold, in the order they appear.
pub fn model_order(inputs: &[Input]) -> Vec<String> {
    let mut order: Vec<String> = inputs
        .iter()
        .map(|i| &i.results.model_order)
        .find(|o| !o.is_empty())
        .cloned()
        .unwrap_or_else(legacy_order);
    let mut seen: std::collections::HashSet<String> = order.iter().cloned().collect();
    for cell in inputs.iter().flat_map(|i| &i.results.results) {
        if seen.insert(cell.model.clone()) {
            order.push(cell.model.clone());
        }
    }
    order
}

/// The style a model had by its place in [`LEGACY_MODELS`], else a generated one (by its
/// place in the report's order, past the legacy palette so as not to repeat it).
fn legacy_style(name: &str, index: usize) -> ModelStyle {
    match LEGACY_MODELS.iter().position(|(m, _)| *m == name) {
        Some(i) => ModelStyle::new(LEGACY_MODELS[i].1, Marker::ALL[i % 4]),
        None => ModelStyle::generated(index + LEGACY_MODELS.len()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_legacy_model_has_its_own_colour() {
        let book = ModelBook::legacy(&legacy_order());
        let mut colours: Vec<_> = LEGACY_MODELS
            .iter()
            .map(|(m, _)| book.style(m).colour)
            .collect();
        colours.sort_unstable();
        colours.dedup();
        assert_eq!(colours.len(), LEGACY_MODELS.len());
    }

    #[test]
    fn unknown_models_go_last_in_a_style_of_their_own() {
        let book = ModelBook::legacy(&legacy_order());
        assert_eq!(book.index("gevent"), LEGACY_MODELS.len());
        let style = book.style("gevent");
        assert!(LEGACY_MODELS.iter().all(|(_, c)| *c != style.colour));
        assert!(book.is_oracle("sequential") && !book.is_oracle("rayon"));
    }
}
