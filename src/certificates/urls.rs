//! The public addresses of what a verifier fetches, in one place: the
//! issuer Profile, its keys, its status lists and the achievements.
//!
//! They live outside `/api/v1` because they are documents for verifiers
//! (JSON-LD and JOSE media types), not API resources, and need no account.
//! Keys are published as URLs (`kid`), not as a did:web DID: an HTTPS URL
//! answering a JWK is what OB 3.0 asks of `kid`, every JOSE library can use
//! it, and it needs no DID resolver. All of them are under
//! `ZHIJIANG_PUBLIC_URL`; changing that setting breaks the links in
//! credentials already handed out, as it does the verify links.

use uuid::Uuid;

#[derive(Clone, Debug)]
pub(crate) struct Urls {
    base: String,
    branch: String,
}

impl Urls {
    /// The addresses of branch `branch_code` under the public base URL.
    pub(crate) fn new(public_url: &str, branch_code: &str) -> Urls {
        Urls {
            base: public_url.trim_end_matches('/').to_string(),
            branch: branch_code.to_string(),
        }
    }

    pub(crate) fn base(&self) -> &str {
        &self.base
    }

    /// The issuer Profile (`issuer.id`, JWT `iss`).
    pub(crate) fn issuer(&self) -> String {
        format!("{}/issuers/{}", self.base, self.branch)
    }

    /// One credential key as a JWK (the JWT `kid`).
    pub(crate) fn key(&self, kid: &str) -> String {
        format!("{}/keys/{kid}", self.issuer())
    }

    /// Status list number `n` (a signed BitstringStatusListCredential).
    pub(crate) fn status_list(&self, n: i32) -> String {
        format!("{}/status-lists/{n}", self.issuer())
    }

    pub(crate) fn achievement(&self, course_id: Uuid) -> String {
        format!("{}/achievements/{course_id}", self.base)
    }
}
