//! A section's summary in its own words: two to four whole sentences of its body, chosen to
//! cover it, in the order they were written.
//!
//! Centroid scoring: a sentence scores by how much of the section's vocabulary it shares
//! (cosine similarity of its word counts, weighted by how rare each word is across the
//! section's sentences, to the whole section's); the opening sentence, which in Import AI
//! usually says what happened, gets a small bonus; questions and sentences that repeat one
//! already chosen lose. The best are taken while they fit in [`MAX_CHARS`].

use std::collections::HashMap;
use std::hash::{Hash, Hasher};
use std::sync::{Arc, OnceLock};

/// Longest summary, in chars.
pub const MAX_CHARS: usize = 600;
/// Sentences a summary aims for when the section has them.
const MIN_SENTENCES: usize = 2;
const MAX_SENTENCES: usize = 4;
/// How alike (cosine) two sentences may be before the second adds nothing.
const REDUNDANT: f64 = 0.6;

/// Words too common to say what a sentence is about.
const STOPWORDS: &[&str] = &[
    "the", "and", "for", "that", "this", "with", "are", "was", "were", "from", "has", "have",
    "had", "but", "not", "its", "it's", "they", "their", "them", "there", "which", "what", "when",
    "where", "who", "how", "can", "could", "would", "should", "will", "into", "than", "then",
    "these", "those", "been", "being", "also", "more", "some", "such", "very", "just", "about",
    "our", "you", "your", "his", "her", "she", "him", "all", "any", "one", "out", "may", "might",
    "does", "did", "get", "gets", "lot", "like", "via", "here",
];

/// Abbreviations whose period ends no sentence.
const ABBREVIATIONS: &[&str] = &[
    "e.g", "i.e", "etc", "vs", "al", "dr", "mr", "mrs", "ms", "prof", "inc", "co", "corp", "fig",
    "no", "approx", "cf", "jr", "sr", "st", "u.s", "u.k", "ltd",
];

/// Summaries kept, by their body's hash and length: scoring a section takes a few hundred
/// microseconds, and the sections readers open are few and asked again.
const REMEMBERED: usize = 4096;

fn remembered() -> &'static quick_cache::sync::Cache<(u64, usize), Arc<str>> {
    static SUMMARIES: OnceLock<quick_cache::sync::Cache<(u64, usize), Arc<str>>> = OnceLock::new();
    SUMMARIES.get_or_init(|| quick_cache::sync::Cache::new(REMEMBERED))
}

/// The summary of a section body: whole sentences, at most [`MAX_CHARS`] chars. Only when
/// no sentence of the body fits is one cut, at a word, with an ellipsis.
pub fn summarize(body: &str) -> String {
    let mut hasher = std::collections::hash_map::DefaultHasher::new();
    body.hash(&mut hasher);
    let key = (hasher.finish(), body.len());
    if let Some(summary) = remembered().get(&key) {
        return summary.to_string();
    }
    let summary = summarize_afresh(body);
    remembered().insert(key, Arc::from(summary.as_str()));
    summary
}

fn summarize_afresh(body: &str) -> String {
    let sentences = sentences(body);
    if sentences.is_empty() {
        return String::new();
    }
    let chosen = choose(&sentences);
    if chosen.is_empty() {
        return crate::answers::limits::shorten(&sentences[0], MAX_CHARS);
    }
    chosen
        .iter()
        .map(|&i| sentences[i].as_str())
        .collect::<Vec<_>>()
        .join(" ")
}

/// Indices of the chosen sentences, ascending.
fn choose(sentences: &[String]) -> Vec<usize> {
    let total: usize = sentences.iter().map(|s| s.chars().count() + 1).sum();
    if sentences.len() <= MAX_SENTENCES && total <= MAX_CHARS + 1 {
        return (0..sentences.len()).collect();
    }
    let vectors: Vec<HashMap<String, f64>> = weighted(sentences);
    let mut centroid: HashMap<&str, f64> = HashMap::new();
    for vector in &vectors {
        for (word, weight) in vector {
            *centroid.entry(word).or_default() += weight;
        }
    }
    let mut ranked: Vec<(usize, f64)> = vectors
        .iter()
        .enumerate()
        .map(|(i, vector)| {
            let mut score = cosine_to(vector, &centroid);
            if i == 0 {
                score += 0.15;
            }
            if sentences[i].trim_end_matches(is_closer).ends_with('?') {
                score *= 0.5;
            }
            (i, score)
        })
        .collect();
    ranked.sort_by(|a, b| b.1.total_cmp(&a.1).then(a.0.cmp(&b.0)));

    let mut chosen: Vec<usize> = Vec::new();
    let mut used = 0;
    for &(i, _) in &ranked {
        if chosen.len() == MAX_SENTENCES {
            break;
        }
        let length = sentences[i].chars().count() + usize::from(!chosen.is_empty());
        if used + length > MAX_CHARS {
            continue;
        }
        let repeats = chosen
            .iter()
            .any(|&j| cosine(&vectors[i], &vectors[j]) > REDUNDANT);
        if repeats && chosen.len() >= MIN_SENTENCES {
            continue;
        }
        chosen.push(i);
        used += length;
    }
    chosen.sort_unstable();
    chosen
}

/// Each sentence's words, counted and weighted by their rarity across the sentences.
fn weighted(sentences: &[String]) -> Vec<HashMap<String, f64>> {
    let counts: Vec<HashMap<String, f64>> = sentences.iter().map(|s| word_counts(s)).collect();
    let mut spread: HashMap<&str, usize> = HashMap::new();
    for count in &counts {
        for word in count.keys() {
            *spread.entry(word).or_default() += 1;
        }
    }
    let n = sentences.len() as f64;
    let idf: HashMap<String, f64> = spread
        .into_iter()
        .map(|(word, df)| (word.to_owned(), (1.0 + n / df as f64).ln()))
        .collect();
    counts
        .into_iter()
        .map(|count| {
            count
                .into_iter()
                .map(|(word, tf)| {
                    let weight = tf * idf[&word];
                    (word, weight)
                })
                .collect()
        })
        .collect()
}

fn word_counts(sentence: &str) -> HashMap<String, f64> {
    let mut counts = HashMap::new();
    for word in sentence.split(|c: char| !c.is_alphanumeric() && c != '\'') {
        let word = word.trim_matches('\'').to_lowercase();
        if word.chars().count() < 3 || STOPWORDS.contains(&word.as_str()) {
            continue;
        }
        *counts.entry(word).or_default() += 1.0;
    }
    counts
}

fn cosine_to(vector: &HashMap<String, f64>, centroid: &HashMap<&str, f64>) -> f64 {
    let dot: f64 = vector
        .iter()
        .map(|(w, x)| x * centroid.get(w.as_str()).copied().unwrap_or(0.0))
        .sum();
    let norm = |v: f64| v.sqrt().max(f64::MIN_POSITIVE);
    let a = norm(vector.values().map(|x| x * x).sum());
    let b = norm(centroid.values().map(|x| x * x).sum());
    dot / (a * b)
}

fn cosine(a: &HashMap<String, f64>, b: &HashMap<String, f64>) -> f64 {
    let dot: f64 = a
        .iter()
        .map(|(w, x)| x * b.get(w).copied().unwrap_or(0.0))
        .sum();
    let norm = |v: &HashMap<String, f64>| {
        v.values()
            .map(|x| x * x)
            .sum::<f64>()
            .sqrt()
            .max(f64::MIN_POSITIVE)
    };
    dot / (norm(a) * norm(b))
}

/// The body's sentences, each with its whitespace folded to single spaces. A sentence ends
/// at '.', '!', '?' or '…' (with the quotes and brackets that close it) before a space and
/// a word that does not start in lower case, or at the end of a paragraph; a period after a
/// known abbreviation or a single letter ends none.
pub fn sentences(body: &str) -> Vec<String> {
    let mut out = Vec::new();
    for paragraph in body.split("\n\n") {
        let words: Vec<&str> = paragraph.split_whitespace().collect();
        let mut current: Vec<&str> = Vec::new();
        for (i, word) in words.iter().enumerate() {
            current.push(word);
            let next = words.get(i + 1);
            if ends_sentence(word, next.copied()) {
                out.push(current.join(" "));
                current.clear();
            }
        }
        if !current.is_empty() {
            out.push(current.join(" "));
        }
    }
    out
}

fn ends_sentence(word: &str, next: Option<&str>) -> bool {
    let Some(next) = next else {
        return false;
    };
    let bare = word.trim_end_matches(is_closer);
    let Some(last) = bare.chars().last() else {
        return false;
    };
    if !matches!(last, '.' | '!' | '?' | '…') {
        return false;
    }
    if next.chars().next().is_some_and(char::is_lowercase) {
        return false;
    }
    if last == '.' {
        let stem = bare
            .trim_end_matches('.')
            .trim_start_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let single_letter = stem.chars().count() == 1 && stem.chars().all(char::is_alphabetic);
        if single_letter || ABBREVIATIONS.contains(&stem.as_str()) {
            return false;
        }
    }
    true
}

fn is_closer(c: char) -> bool {
    matches!(c, '"' | '\'' | '”' | '’' | ')' | ']')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sentences_end_at_stops_but_not_at_abbreviations_or_initials() {
        let body = "GPT-4 is big, e.g. Huge. Jack C. Clark wrote “it works.” Really? Yes!\n\n\
                    A new paragraph without a stop";
        assert_eq!(
            sentences(body),
            [
                "GPT-4 is big, e.g. Huge.",
                "Jack C. Clark wrote “it works.”",
                "Really?",
                "Yes!",
                "A new paragraph without a stop"
            ]
        );
    }

    #[test]
    fn a_short_body_is_its_own_summary() {
        assert_eq!(
            summarize("One thing happened.\n\nThen another."),
            "One thing happened. Then another."
        );
    }

    #[test]
    fn the_summary_keeps_the_sentences_about_the_subject_in_their_order() {
        let body = "Researchers built a robot that folds laundry with a learned policy. \
            The weather was nice that week, apparently. \
            The laundry robot folds towels and shirts using the policy trained in simulation. \
            Lunch was sandwiches. \
            Its policy transfers from simulation to the real laundry robot without tuning. \
            Somebody mentioned a cat. \
            Why does anyone care about cats?";
        let summary = summarize(&format!("{body} {body}"));
        assert!(
            summary.starts_with("Researchers built a robot"),
            "{summary}"
        );
        assert!(!summary.contains("cat"), "{summary}");
        assert!(!summary.contains("Lunch"), "{summary}");
        assert!(summary.chars().count() <= MAX_CHARS);
    }

    #[test]
    fn a_body_whose_every_sentence_is_too_long_is_cut_at_a_word() {
        let summary = summarize(&"word ".repeat(400));
        assert!(summary.ends_with('…'), "{summary}");
        assert!(summary.chars().count() <= MAX_CHARS);
    }
}
