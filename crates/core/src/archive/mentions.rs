//! Citations of other issues in running text: "Import AI #304", "(Import AI 307)",
//! "Import Ai 181", "Import AI: 311".

/// Issue numbers cited in `texts`, ascending, deduplicated, without `own`.
pub fn find_mentions<'a>(texts: impl IntoIterator<Item = &'a str>, own: u32) -> Vec<u32> {
    let mut numbers: Vec<u32> = texts
        .into_iter()
        .flat_map(cited_numbers)
        .filter(|&number| number != own)
        .collect();
    numbers.sort_unstable();
    numbers.dedup();
    numbers
}

fn cited_numbers(text: &str) -> Vec<u32> {
    // ASCII lowercasing keeps every byte offset valid in the original text.
    let lower = text.to_ascii_lowercase();
    lower
        .match_indices("import ai")
        .filter(|&(start, _)| {
            !lower[..start]
                .chars()
                .next_back()
                .is_some_and(char::is_alphanumeric)
        })
        .filter_map(|(start, needle)| number_after(&lower[start + needle.len()..]))
        .collect()
}

/// The number in " #304", " 307", ": 311" at the start of `rest`.
fn number_after(rest: &str) -> Option<u32> {
    let rest = rest
        .trim_start_matches([' ', '\u{a0}'])
        .trim_start_matches([':', '#'])
        .trim_start_matches([' ', '\u{a0}', '#']);
    let digits: String = rest.chars().take_while(char::is_ascii_digit).collect();
    if digits.is_empty() || digits.len() > 6 {
        return None;
    }
    digits.parse().ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_citation_forms() {
        let text = "Whisper (Import AI #304), Copilot (Import AI 307), chips (Import Ai 181), \
                    GPT-JT (Import AI: 311), again Import AI #304, itself Import AI 308.";
        assert_eq!(find_mentions([text], 308), vec![181, 304, 307, 311]);
    }

    #[test]
    fn ignores_the_name_without_a_number() {
        assert!(find_mentions(["Welcome to Import AI, a newsletter", "ImportAI 3"], 1).is_empty());
        assert!(find_mentions(["reimport ai 5"], 1).is_empty());
    }
}
