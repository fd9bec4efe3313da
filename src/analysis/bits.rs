//! A fixed-size bit set over group numbers, as the candidate predicates of `suggest` use it.

/// One bit per group.
#[derive(Clone, Debug, PartialEq)]
pub struct Bits(Vec<u64>);

impl Bits {
    /// `n` bits, all clear.
    pub fn new(n: usize) -> Bits {
        Bits(vec![0; n.div_ceil(64)])
    }

    /// Set bit `i`.
    pub fn set(&mut self, i: usize) {
        self.0[i / 64] |= 1 << (i % 64);
    }

    /// Bit `i`.
    pub fn get(&self, i: usize) -> bool {
        self.0[i / 64] >> (i % 64) & 1 == 1
    }

    /// Number of set bits.
    pub fn count(&self) -> usize {
        self.0.iter().map(|w| w.count_ones() as usize).sum()
    }

    /// Number of bits set in both.
    pub fn count_and(&self, other: &Bits) -> usize {
        self.0
            .iter()
            .zip(&other.0)
            .map(|(a, b)| (a & b).count_ones() as usize)
            .sum()
    }

    /// Set every bit set in `other`.
    pub fn or(&mut self, other: &Bits) {
        for (a, b) in self.0.iter_mut().zip(&other.0) {
            *a |= b;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::Bits;

    #[test]
    fn set_count_and_or() {
        let mut a = Bits::new(130);
        let mut b = Bits::new(130);
        for i in [0, 63, 64, 129] {
            a.set(i);
        }
        b.set(64);
        b.set(5);
        assert!(a.get(129) && !a.get(128));
        assert_eq!((a.count(), b.count(), a.count_and(&b)), (4, 2, 1));
        a.or(&b);
        assert_eq!(a.count(), 5);
    }
}
