//! Certificates: issued once, emailed, verifiable (Open Badges 3.0 VC-JWT) and checkable on a public page.
