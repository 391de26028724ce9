//! Instructions of each way to turn one request's target into a `reqwest::Url`, counted under
//! callgrind by `scripts/url-forms-bench`: the forms `Client::url` chooses between and the
//! hand-written client's. BENCHMARKS.md quotes the table.
//!
//! `url_forms FORM N` builds the URL N times in one form; with no arguments (as `cargo bench`
//! runs it) it checks that every form of a pair gives the same URL, so that the table compares
//! equal work.

use std::hint::black_box;

use url::Url;

const BASE_DIR: &str = "http://127.0.0.1:34567/2025-09/";
const QUERY: &str = "userId=user_1234567890";

/// One way to build a URL from the prebuilt base URL, its form for a fixed path (`fixed`), and
/// the parts of the request.
struct Form {
    name: &'static str,
    what: &'static str,
    build: fn(&Url, &Url) -> Url,
}

const FORMS: &[Form] = &[
    Form {
        name: "join-relative",
        what: "a path with placeholders: the request's `./path?query` joined below the base (the client's form)",
        build: |base, _| {
            base.join("./workflows/wf_123456/logs?userId=user_1234567890")
                .unwrap()
        },
    },
    Form {
        name: "join-absolute",
        what: "the same as an absolute path with the base path written in front",
        build: |base, _| {
            base.join("/2025-09/workflows/wf_123456/logs?userId=user_1234567890")
                .unwrap()
        },
    },
    Form {
        name: "clone-set",
        what: "the same: a clone of the base, `set_path` and `set_query`",
        build: |base, _| {
            let mut url = base.clone();
            url.set_path("/2025-09/workflows/wf_123456/logs");
            url.set_query(Some(QUERY));
            url
        },
    },
    Form {
        name: "clone-segments",
        what: "the same from raw values: a clone, `path_segments_mut` and `query_pairs_mut` (the hand-written form)",
        build: |base, _| {
            let mut url = base.clone();
            url.path_segments_mut().unwrap().pop_if_empty().extend([
                "workflows",
                "wf_123456",
                "logs",
            ]);
            url.query_pairs_mut()
                .append_pair("userId", "user_1234567890");
            url
        },
    },
    Form {
        name: "fixed-join",
        what: "a path without placeholders, joined per request",
        build: |base, _| base.join("./integrations").unwrap(),
    },
    Form {
        name: "fixed-clone",
        what: "the same, resolved once and cloned (the client's form)",
        build: |_, fixed| fixed.clone(),
    },
    Form {
        name: "fixed-join-query",
        what: "a path without placeholders and a query, joined per request",
        build: |base, _| base.join("./integrations?userId=user_1234567890").unwrap(),
    },
    Form {
        name: "fixed-clone-query",
        what: "the same, cloned and its query set (the client's form)",
        build: |_, fixed| {
            let mut url = fixed.clone();
            url.set_query(Some(QUERY));
            url
        },
    },
];

fn main() {
    let base = Url::parse(BASE_DIR).expect("base URL");
    let fixed = base.join("./integrations").expect("fixed URL");
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    match args.as_slice() {
        [form, n] => {
            let form = FORMS
                .iter()
                .find(|f| f.name == form)
                .unwrap_or_else(|| panic!("unknown form {form}"));
            let n: u32 = n.parse().expect("N");
            for _ in 0..n {
                black_box((form.build)(black_box(&base), black_box(&fixed)));
            }
        }
        [] => {
            // The forms compared with each other build the same URL.
            let built: Vec<String> = FORMS
                .iter()
                .map(|f| (f.build)(&base, &fixed).into())
                .collect();
            // Forms 0-3 build one URL, 4-5 another, 6-7 a third.
            for (start, end) in [(0, 4), (4, 6), (6, 8)] {
                for i in start + 1..end {
                    assert_eq!(
                        built[i], built[start],
                        "{} and {}",
                        FORMS[start].name, FORMS[i].name
                    );
                }
            }
            for form in FORMS {
                println!("{:<18} {}", form.name, form.what);
            }
        }
        _ => panic!("usage: url_forms [FORM N]"),
    }
}
