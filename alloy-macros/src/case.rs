//! Name conversions and near-miss suggestions.

/// Converts `workflowId` (or `WorkflowID`) to `workflow_id`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower = i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
            let next_lower = chars.get(i + 1).is_some_and(char::is_ascii_lowercase);
            let prev_upper = i > 0 && chars[i - 1].is_ascii_uppercase();
            if i > 0 && (prev_lower || (prev_upper && next_lower)) && !out.ends_with('_') {
                out.push('_');
            }
            out.push(c.to_ascii_lowercase());
        } else {
            out.push(c);
        }
    }
    out
}

/// Converts `user_id` to `userId`, the API's query key style.
pub fn camel_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len());
    let mut upper = false;
    for c in name.trim_start_matches('_').chars() {
        if c == '_' {
            upper = !out.is_empty();
        } else if upper {
            out.push(c.to_ascii_uppercase());
            upper = false;
        } else {
            out.push(c);
        }
    }
    out
}

/// Returns the candidate closest to `word` when it is a plausible typo of it.
pub fn near_miss<'a>(word: &str, candidates: impl IntoIterator<Item = &'a str>) -> Option<&'a str> {
    let word = word.to_ascii_lowercase();
    candidates
        .into_iter()
        .map(|c| (distance(&word, &c.to_ascii_lowercase()), c))
        .filter(|&(d, c)| d <= 2.max(c.len() / 3) && d < c.len())
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Levenshtein distance between two short ASCII words.
fn distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut prev = row[0];
        row[0] = i + 1;
        for (j, &cb) in b.iter().enumerate() {
            let cur = row[j + 1];
            row[j + 1] = if ca == cb { prev } else { 1 + prev.min(cur).min(row[j]) };
            prev = cur;
        }
    }
    row[b.len()]
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conversions() {
        assert_eq!(snake_case("workflowId"), "workflow_id");
        assert_eq!(snake_case("userID"), "user_id");
        assert_eq!(snake_case("HTTPServer"), "http_server");
        assert_eq!(snake_case("id"), "id");
        assert_eq!(camel_case("user_id"), "userId");
        assert_eq!(camel_case("page_size_2"), "pageSize2");
        assert_eq!(camel_case("limit"), "limit");
    }

    #[test]
    fn near_misses() {
        assert_eq!(near_miss("metod", ["method", "path"]), Some("method"));
        assert_eq!(near_miss("pth", ["method", "path"]), Some("path"));
        assert_eq!(near_miss("qurey", ["query", "body", "header"]), Some("query"));
        assert_eq!(near_miss("zzzzzz", ["method", "path"]), None);
    }
}
