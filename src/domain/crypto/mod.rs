//! Cryptography, all with ring except the server's static X25519 step
//! (x25519-dalek): HPKE sealing of batches ([`hpke`]) and Ed25519
//! signatures with domain-separation labels ([`sign`]).

pub mod hpke;
pub mod sign;
