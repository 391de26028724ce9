//! Name conversions and near-miss suggestions.

/// Converts `workflowId` (or `WorkflowID`) to `workflow_id`.
pub fn snake_case(name: &str) -> String {
    let mut out = String::with_capacity(name.len() + 4);
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if c.is_ascii_uppercase() {
            let prev_lower =
                i > 0 && (chars[i - 1].is_ascii_lowercase() || chars[i - 1].is_ascii_digit());
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
        .filter(|&(d, c)| d <= 1.max(c.len() / 3) && d < c.len())
        .min_by_key(|&(d, _)| d)
        .map(|(_, c)| c)
}

/// Edit distance between two short ASCII words, where swapping two neighbouring letters
/// (`qurey`) counts as one edit (optimal string alignment).
fn distance(a: &str, b: &str) -> usize {
    let a: Vec<char> = a.chars().collect();
    let b: Vec<char> = b.chars().collect();
    let mut d = vec![vec![0usize; b.len() + 1]; a.len() + 1];
    for (i, row) in d.iter_mut().enumerate() {
        row[0] = i;
    }
    for (j, cell) in d[0].iter_mut().enumerate() {
        *cell = j;
    }
    for i in 1..=a.len() {
        for j in 1..=b.len() {
            let cost = usize::from(a[i - 1] != b[j - 1]);
            let mut best = (d[i - 1][j] + 1)
                .min(d[i][j - 1] + 1)
                .min(d[i - 1][j - 1] + cost);
            if i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1] {
                best = best.min(d[i - 2][j - 2] + 1);
            }
            d[i][j] = best;
        }
    }
    d[a.len()][b.len()]
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
        assert_eq!(
            near_miss("qurey", ["query", "body", "header"]),
            Some("query")
        );
        assert_eq!(near_miss("zzzzzz", ["method", "path"]), None);
        assert_eq!(
            near_miss("idempotnet", ["method", "path", "idempotent"]),
            Some("idempotent")
        );
        assert_eq!(near_miss("POTS", ["GET", "POST", "PUT"]), Some("POST"));
        // Two edits away in a five-letter word is a different word, not a typo.
        assert_eq!(near_miss("FETCH", ["GET", "POST", "PATCH"]), None);
    }
}
