//! The arithmetic of what a reader can deduce: integer ranges, and the
//! polygons of pairs (contacts, people reached).
//!
//! A [`Poly`] is the set of integer points `(x, y)` with `x`, `y` and
//! `y - x` each in a range. Rows of a breakdown are such sets (`x` contacts,
//! `y` people reached, `y - x >= 0` since each contact reaches at least one
//! person), and so is their sum over a breakdown: polygons whose edges run
//! only along (1,0), (0,1) and (1,1) add up edge by edge, and the integer
//! points of a sum are the sums of integer points (the three directions are
//! pairwise unimodular). That is what makes [`Poly::plus`] exact, and the
//! brute-force tests of the model hold it to it.

/// Stands for infinity; far beyond any sum of `u64` counts.
const INF: i128 = 1 << 100;

/// The integers `lo..=hi`; empty when `lo > hi`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Range {
    pub lo: i128,
    pub hi: i128,
}

impl Range {
    pub const ANY: Range = Range { lo: -INF, hi: INF };

    pub fn exact(value: u64) -> Range {
        Range {
            lo: i128::from(value),
            hi: i128::from(value),
        }
    }

    pub fn at_least(lo: i128) -> Range {
        Range { lo, hi: INF }
    }

    pub fn new(lo: i128, hi: i128) -> Range {
        Range { lo, hi }
    }

    /// Every sum of one value from each; infinite bounds stay infinite.
    pub fn plus(self, other: Range) -> Range {
        let lo = if self.lo <= -INF || other.lo <= -INF {
            -INF
        } else {
            (self.lo + other.lo).clamp(-INF, INF)
        };
        let hi = if self.hi >= INF || other.hi >= INF {
            INF
        } else {
            (self.hi + other.hi).clamp(-INF, INF)
        };
        Range { lo, hi }
    }

    pub fn neg(self) -> Range {
        Range {
            lo: -self.hi,
            hi: -self.lo,
        }
    }

    pub fn minus(self, other: Range) -> Range {
        self.plus(other.neg())
    }

    pub fn meet(self, other: Range) -> Range {
        Range {
            lo: self.lo.max(other.lo),
            hi: self.hi.min(other.hi),
        }
    }

    pub fn is_empty(self) -> bool {
        self.lo > self.hi
    }

    /// Exactly one value: a reader knows it.
    pub fn is_single(self) -> bool {
        self.lo == self.hi
    }

    #[cfg(test)]
    pub fn contains(self, value: i128) -> bool {
        self.lo <= value && value <= self.hi
    }
}

/// Integer points `(x, y)` with `x` in `x`, `y` in `y`, `y - x` in `d`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) struct Poly {
    pub x: Range,
    pub y: Range,
    pub d: Range,
}

impl Poly {
    pub fn point(x: u64, y: u64) -> Poly {
        Poly {
            x: Range::exact(x),
            y: Range::exact(y),
            d: Range::exact(y).minus(Range::exact(x)),
        }
    }

    /// Each bound made tight: `x` becomes exactly the values of `x` over the
    /// set, and so on. One round suffices with two variables: eliminating
    /// `y` from `y in Y, y - x in D` leaves `x in Y - D`; the system is a
    /// difference system, so every integer in between is reached.
    pub fn tight(self) -> Poly {
        Poly {
            x: self.x.meet(self.y.minus(self.d)),
            y: self.y.meet(self.x.plus(self.d)),
            d: self.d.meet(self.y.minus(self.x)),
        }
    }

    pub fn is_empty(self) -> bool {
        self.tight().d.is_empty()
    }

    pub fn meet(self, other: Poly) -> Poly {
        Poly {
            x: self.x.meet(other.x),
            y: self.y.meet(other.y),
            d: self.d.meet(other.d),
        }
    }

    /// Every sum of a point of each (the Minkowski sum). Tight bounds are
    /// the polygon's support in the six directions; supports add up.
    pub fn plus(self, other: Poly) -> Poly {
        if self.is_empty() || other.is_empty() {
            return Poly {
                x: Range::new(1, 0),
                ..self
            };
        }
        let (a, b) = (self.tight(), other.tight());
        Poly {
            x: a.x.plus(b.x),
            y: a.y.plus(b.y),
            d: a.d.plus(b.d),
        }
    }

    pub fn neg(self) -> Poly {
        Poly {
            x: self.x.neg(),
            y: self.y.neg(),
            d: self.d.neg(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    fn points(p: Poly, cap: i128) -> BTreeSet<(i128, i128)> {
        let mut out = BTreeSet::new();
        for x in -cap..=cap {
            for y in -cap..=cap {
                if p.x.contains(x) && p.y.contains(y) && p.d.contains(y - x) {
                    out.insert((x, y));
                }
            }
        }
        out
    }

    fn next(state: &mut u64) -> u64 {
        *state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = *state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn small_range(state: &mut u64) -> Range {
        let lo = (next(state) % 7) as i128 - 1;
        Range::new(lo, lo + (next(state) % 5) as i128)
    }

    #[test]
    fn sums_of_polygons_are_exactly_the_sums_of_their_points() {
        let mut state = 11;
        for _ in 0..300 {
            let mut poly = || Poly {
                x: small_range(&mut state),
                y: small_range(&mut state),
                d: small_range(&mut state),
            };
            let (a, b) = (poly(), poly());
            let sums: BTreeSet<(i128, i128)> = points(a, 10)
                .iter()
                .flat_map(|&(ax, ay)| {
                    points(b, 10)
                        .into_iter()
                        .map(move |(bx, by)| (ax + bx, ay + by))
                })
                .collect();
            assert_eq!(points(a.plus(b), 20), sums, "{a:?} + {b:?}");
            let tight = a.tight();
            if !a.is_empty() {
                let xs: BTreeSet<i128> = points(a, 10).iter().map(|p| p.0).collect();
                assert_eq!(xs.first(), Some(&tight.x.lo), "{a:?}");
                assert_eq!(xs.last(), Some(&tight.x.hi), "{a:?}");
                assert_eq!(
                    xs.len() as i128,
                    tight.x.hi - tight.x.lo + 1,
                    "no gap in {a:?}"
                );
            }
        }
    }

    #[test]
    fn infinite_bounds_stay_infinite_through_sums_and_differences() {
        let open = Range::at_least(5);
        assert_eq!(open.plus(open), Range::at_least(10));
        assert_eq!(open.minus(open), Range::ANY);
        assert_eq!(Range::exact(40).minus(open), Range::new(-INF, 35));
        assert!(!Range::new(1, 4).is_single());
        assert!(Range::exact(3).is_single());
        assert!(Range::new(2, 1).is_empty());
    }
}
