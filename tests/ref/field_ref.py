#!/usr/bin/env python3
"""Independent reference for zkinfer's field, multilinear, Keccak and transcript code.

Written from the mathematics and the specifications, not from the C++ sources:
  * Goldilocks field F_p, p = 2^64 - 2^32 + 1, with Python big integers.
  * The quadratic extension E = F_p[X] / (X^2 - 7), schoolbook products, inverse as a^(p^2 - 2).
  * Multilinear extensions over {0,1}^n, variable 0 = most significant bit of the table index,
    evaluated as the explicit sum  P(r) = sum_x t[x] prod_k (r_k x_k + (1 - r_k)(1 - x_k)).
  * Keccak-f[1600] following FIPS 202 section 3.2 (rotation offsets and round constants are
    computed by the algorithms of the standard, not copied from tables), with the original
    Keccak pad10*1 (first padding byte 0x01) used by Ethereum's KECCAK256.
  * The Fiat-Shamir transcript schedule documented in src/crypto/transcript.hpp.

Usage:
  field_ref.py            (re)write tests/ref/vectors.txt next to this script
  field_ref.py --check    regenerate in memory; exit 1 if the committed file differs

Standard library only; output is deterministic (own splitmix64 PRNG, fixed seeds).

File format of vectors.txt: one record per line, tokens separated by single spaces, the first
token names the record kind; lines starting with '#' are comments. Integers are decimal
(signed where noted); byte strings are lowercase hex, with '-' for the empty string. The kinds
are listed in the header the script writes at the top of the file.
"""

import os
import sys

P = 2**64 - 2**32 + 1
W = 7  # X^2 = W in the extension
MASK64 = 2**64 - 1
SMALL_P = 2**31 - 1  # SmallPrimeField<2147483647> (a Mersenne prime)


# ----------------------------------------------------------------------------------------------
# Deterministic PRNG (splitmix64)
# ----------------------------------------------------------------------------------------------
class SplitMix64:
    def __init__(self, seed):
        self.state = seed & MASK64

    def next(self):
        self.state = (self.state + 0x9E3779B97F4A7C15) & MASK64
        z = self.state
        z = ((z ^ (z >> 30)) * 0xBF58476D1CE4E5B9) & MASK64
        z = ((z ^ (z >> 27)) * 0x94D049BB133111EB) & MASK64
        return z ^ (z >> 31)

    def below(self, n):
        # Exact uniform integer in [0, n) by rejection (n <= 2^64).
        limit = (2**64 // n) * n
        while True:
            w = self.next()
            if w < limit:
                return w % n

    def fel(self):
        return self.below(P)

    def bytes(self, n):
        return bytes(self.next() & 0xFF for _ in range(n))


# ----------------------------------------------------------------------------------------------
# Goldilocks F_p
# ----------------------------------------------------------------------------------------------
def f_add(a, b):
    return (a + b) % P


def f_sub(a, b):
    return (a - b) % P


def f_mul(a, b):
    return (a * b) % P


def f_neg(a):
    return (-a) % P


def f_inv(a):
    """Inverse by the extended Euclidean algorithm; 0 has no inverse (raises)."""
    a %= P
    if a == 0:
        raise ZeroDivisionError("0 has no inverse")
    r0, r1, s0, s1 = P, a, 0, 1
    while r1:
        q = r0 // r1
        r0, r1 = r1, r0 - q * r1
        s0, s1 = s1, s0 - q * s1
    assert r0 == 1
    return s0 % P


def f_pow(a, e):
    acc, base = 1, a % P
    while e:
        if e & 1:
            acc = acc * base % P
        base = base * base % P
        e >>= 1
    return acc


def to_signed(a):
    """Representative of a in (-p/2, p/2]."""
    return a if a <= (P - 1) // 2 else a - P


# Factorisation of p - 1 = 2^32 * 3 * 5 * 17 * 257 * 65537, used to verify that 7 generates F_p^*.
P_MINUS_1_FACTORS = [2, 3, 5, 17, 257, 65537]


def self_check_field():
    prod = 2**32 * 3 * 5 * 17 * 257 * 65537
    assert prod == P - 1
    for q in P_MINUS_1_FACTORS:
        assert f_pow(7, (P - 1) // q) != 1, "7 is not a generator"
    # 7 is then a quadratic non-residue, so X^2 - 7 is irreducible.
    assert f_pow(W, (P - 1) // 2) == P - 1
    assert f_mul(123456789, f_inv(123456789)) == 1


# ----------------------------------------------------------------------------------------------
# Extension E = F_p[X] / (X^2 - 7), elements as pairs (c0, c1) = c0 + c1 X
# ----------------------------------------------------------------------------------------------
E_ZERO = (0, 0)
E_ONE = (1, 0)


def e_add(a, b):
    return ((a[0] + b[0]) % P, (a[1] + b[1]) % P)


def e_sub(a, b):
    return ((a[0] - b[0]) % P, (a[1] - b[1]) % P)


def e_mul(a, b):
    # (a0 + a1 X)(b0 + b1 X) = a0 b0 + a1 b1 X^2 + (a0 b1 + a1 b0) X, and X^2 = 7.
    return ((a[0] * b[0] + W * a[1] * b[1]) % P, (a[0] * b[1] + a[1] * b[0]) % P)


def e_pow(a, e):
    acc, base = E_ONE, a
    while e:
        if e & 1:
            acc = e_mul(acc, base)
        base = e_mul(base, base)
        e >>= 1
    return acc


def e_inv(a):
    """a^(|E| - 2) = a^(p^2 - 2): Lagrange in the multiplicative group of order p^2 - 1."""
    if a == E_ZERO:
        raise ZeroDivisionError("0 has no inverse")
    r = e_pow(a, P * P - 2)
    assert e_mul(a, r) == E_ONE
    return r


def e_from_f(a):
    return (a % P, 0)


# ----------------------------------------------------------------------------------------------
# Multilinear polynomials (variable 0 = most significant bit of the index)
# ----------------------------------------------------------------------------------------------
def bits_msb_first(index, n):
    return [(index >> (n - 1 - k)) & 1 for k in range(n)]


def eq_point(r, x_bits):
    """prod_k (r_k x_k + (1 - r_k)(1 - x_k)) with r in E, x Boolean."""
    acc = E_ONE
    for rk, xk in zip(r, x_bits):
        factor = rk if xk else e_sub(E_ONE, rk)
        acc = e_mul(acc, factor)
    return acc


def eq_table_ref(r):
    n = len(r)
    return [eq_point(r, bits_msb_first(i, n)) for i in range(2**n)]


def eq_eval_ref(a, b):
    acc = E_ONE
    for ak, bk in zip(a, b):
        term = e_add(e_mul(ak, bk), e_mul(e_sub(E_ONE, ak), e_sub(E_ONE, bk)))
        acc = e_mul(acc, term)
    return acc


def ml_eval_ref(table_e, r):
    n = len(r)
    assert len(table_e) == 2**n
    acc = E_ZERO
    for i, t in enumerate(table_e):
        acc = e_add(acc, e_mul(t, eq_point(r, bits_msb_first(i, n))))
    return acc


# ----------------------------------------------------------------------------------------------
# Keccak-f[1600] and Keccak-256 (FIPS 202 section 3, original Keccak padding)
# ----------------------------------------------------------------------------------------------
def _rot(v, n):
    n %= 64
    return ((v << n) | (v >> (64 - n))) & MASK64 if n else v


def _rc_bit(t):
    """FIPS 202 Algorithm 5: rc(t) from the LFSR x^8 + x^6 + x^5 + x^4 + 1."""
    if t % 255 == 0:
        return 1
    r = [1, 0, 0, 0, 0, 0, 0, 0]
    for _ in range(t % 255):
        r = [0] + r
        r[0] ^= r[8]
        r[4] ^= r[8]
        r[5] ^= r[8]
        r[6] ^= r[8]
        r = r[:8]
    return r[0]


def _round_constants():
    out = []
    for ir in range(24):
        rc = 0
        for j in range(7):
            rc |= _rc_bit(j + 7 * ir) << (2**j - 1)
        out.append(rc)
    return out


def _rho_offsets():
    """FIPS 202 Algorithm 2: offsets[(x, y)]."""
    off = {(0, 0): 0}
    x, y = 1, 0
    for t in range(24):
        off[(x, y)] = ((t + 1) * (t + 2) // 2) % 64
        x, y = y, (2 * x + 3 * y) % 5
    return off


ROUND_CONSTANTS = _round_constants()
RHO = _rho_offsets()


def keccak_f(lanes):
    """lanes: list of 25 words, lane (x, y) at index x + 5 y. Returns the permuted lanes."""
    a = [[lanes[x + 5 * y] for y in range(5)] for x in range(5)]  # a[x][y]
    for ir in range(24):
        # theta
        c = [a[x][0] ^ a[x][1] ^ a[x][2] ^ a[x][3] ^ a[x][4] for x in range(5)]
        d = [c[(x - 1) % 5] ^ _rot(c[(x + 1) % 5], 1) for x in range(5)]
        a = [[a[x][y] ^ d[x] for y in range(5)] for x in range(5)]
        # rho
        a = [[_rot(a[x][y], RHO[(x, y)]) for y in range(5)] for x in range(5)]
        # pi: A'[x, y] = A[(x + 3y) mod 5, x]
        a = [[a[(x + 3 * y) % 5][x] for y in range(5)] for x in range(5)]
        # chi
        a = [[a[x][y] ^ ((a[(x + 1) % 5][y] ^ MASK64) & a[(x + 2) % 5][y]) for y in range(5)]
             for x in range(5)]
        # iota
        a[0][0] ^= ROUND_CONSTANTS[ir]
    return [a[i % 5][i // 5] for i in range(25)]


RATE = 136  # bytes: 1600 - 2 * 256 bits


def keccak256(msg):
    msg = bytes(msg)
    padded = bytearray(msg)
    pad_len = RATE - len(msg) % RATE  # 1..136 bytes of pad10*1
    padded += bytes(pad_len)
    padded[len(msg)] ^= 0x01
    padded[-1] ^= 0x80
    lanes = [0] * 25
    for off in range(0, len(padded), RATE):
        block = padded[off:off + RATE]
        for i in range(RATE // 8):
            lanes[i] ^= int.from_bytes(block[8 * i:8 * i + 8], "little")
        lanes = keccak_f(lanes)
    return b"".join(lanes[i].to_bytes(8, "little") for i in range(4))


def self_check_keccak():
    assert ROUND_CONSTANTS[0] == 1 and ROUND_CONSTANTS[23] == 0x8000000080008008
    assert keccak256(b"").hex() == (
        "c5d2460186f7233c927e7db2dcc703c0e500b653ca82273b7bfad8045d85a470"), "keccak256('') wrong"
    # Keccak team's KeccakF-1600 intermediate values: first lane after permuting the zero state.
    assert keccak_f([0] * 25)[0] == 0xF1258F7940E1DDE7


# ----------------------------------------------------------------------------------------------
# Transcript (schedule of src/crypto/transcript.hpp)
# ----------------------------------------------------------------------------------------------
def u32le(v):
    return v.to_bytes(4, "little")


def u64le(v):
    return v.to_bytes(8, "little")


class Transcript:
    def __init__(self, protocol_label):
        self.s = keccak256(b"zkinfer/transcript/v1" + u32le(len(protocol_label)) + protocol_label)
        self.counter = 0
        self.words = []

    def absorb_bytes(self, label, data):
        self.s = keccak256(self.s + b"\x01" + u32le(len(label)) + label + u64le(len(data)) + data)
        self.words = []

    def begin_challenge(self, label):
        self.s = keccak256(self.s + b"\x02" + u32le(len(label)) + label)
        self.counter = 0
        self.words = []

    def next_word(self):
        if not self.words:
            block = keccak256(self.s + u32le(self.counter))
            self.counter += 1
            self.words = [int.from_bytes(block[8 * i:8 * i + 8], "little") for i in range(4)]
        return self.words.pop(0)

    def uniform_below(self, bound):
        limit = (2**64 // bound) * bound  # accept w < floor(2^64 / bound) * bound
        while True:
            w = self.next_word()
            if w < limit:
                return w % bound

    def sample_f(self, modulus=P):
        return self.uniform_below(modulus)

    def sample_e(self):
        c0 = self.sample_f()
        return (c0, self.sample_f())


# ----------------------------------------------------------------------------------------------
# Vector generation
# ----------------------------------------------------------------------------------------------
def hx(b):
    return b.hex() if b else "-"


EDGE_F = sorted(set([
    0, 1, 2, 3, 7, P - 1, P - 2, P - 3, (P - 1) // 2, (P + 1) // 2,
    2**31, 2**32 - 2, 2**32 - 1, 2**32, 2**32 + 1, 2**48, 2**63 - 1, 2**63, 2**63 + 1,
    2**64 - 2**33, 0xFFFFFFFF00000000, 0x00000000FFFFFFFF, 0xFFFFFFFE00000002,
    0x8000000080000000 % P, 0x123456789ABCDEF0,
]))
# Words for from_u64: every value >= p is reduced (p .. 2^64 - 1 are the 2^32 - 1 non-canonical).
EDGE_U64 = sorted(set([
    0, 1, P - 2, P - 1, P, P + 1, P + 2, 2**64 - 2**32 - 1, 2**64 - 2, 2**64 - 1,
    2**63, 2**32, 2**32 - 1, 2**64 - 2**31,
]))
EDGE_I64 = sorted(set([
    0, 1, -1, 2, -2, 2**31, -(2**31), 2**32, -(2**32), 2**62, -(2**62),
    (P - 1) // 2, -((P - 1) // 2), (P - 1) // 2 + 1, -((P - 1) // 2) - 1,
    2**63 - 1, -(2**63), -(2**63) + 1, 2**63 - 2**32, -(2**63 - 2**32),
]))


def gen_field(out, rng):
    out.append("# ---- Goldilocks F_p ----")
    pairs = [(a, b) for a in EDGE_F for b in EDGE_F]
    # All edge pairs is 25^2 = 625; keep a deterministic subset plus random pairs.
    pairs = pairs[::5]
    pairs += [(rng.fel(), rng.fel()) for _ in range(60)]
    pairs += [(rng.fel(), e) for e in EDGE_F]
    for a, b in pairs:
        out.append(f"f_add {a} {b} {f_add(a, b)}")
        out.append(f"f_sub {a} {b} {f_sub(a, b)}")
        out.append(f"f_mul {a} {b} {f_mul(a, b)}")
    for a in EDGE_F + [rng.fel() for _ in range(30)]:
        out.append(f"f_neg {a} {f_neg(a)}")
        if a:
            out.append(f"f_inv {a} {f_inv(a)}")
        out.append(f"f_signed {a} {to_signed(a)}")
    exps = [0, 1, 2, 3, 63, 64, 2**32, P - 2, P - 1, P, 2**64 - 1, (P - 1) // 2]
    for a in [0, 1, 2, 7, P - 1, 2**32] + [rng.fel() for _ in range(6)]:
        for e in exps + [rng.next()]:
            out.append(f"f_pow {a} {e} {f_pow(a, e)}")
    for x in EDGE_U64 + [rng.next() for _ in range(20)] + [P + rng.below(2**64 - P)
                                                            for _ in range(10)]:
        out.append(f"f_from_u64 {x} {x % P}")
    for x in EDGE_I64 + [rng.next() - 2**63 for _ in range(20)]:
        out.append(f"f_from_i64 {x} {x % P}")
    # from_bytes on 8 little-endian bytes: 1 + value if canonical, 0 if rejected.
    for x in EDGE_U64 + [P + rng.below(2**64 - P) for _ in range(5)]:
        ok = 1 if x < P else 0
        out.append(f"f_bytes {hx(u64le(x))} {ok} {x if ok else 0}")
    # Roots of unity: root_of_unity(k) = 7^((p - 1) / 2^k), of multiplicative order exactly 2^k.
    for k in range(0, 33):
        w = f_pow(7, (P - 1) >> k)
        assert f_pow(w, 2**k) == 1 and (k == 0 or f_pow(w, 2**(k - 1)) == P - 1)
        out.append(f"f_root {k} {w}")


def gen_small(out, rng):
    out.append(f"# ---- SmallPrimeField<{SMALL_P}> ----")
    vals = [0, 1, 2, SMALL_P - 1, SMALL_P - 2, 2**30, 2**16 + 1] + [rng.below(SMALL_P)
                                                                    for _ in range(20)]
    for i, a in enumerate(vals):
        b = vals[(i * 7 + 3) % len(vals)]
        out.append(f"s_mul {a} {b} {a * b % SMALL_P}")
        out.append(f"s_add {a} {b} {(a + b) % SMALL_P}")
        out.append(f"s_sub {a} {b} {(a - b) % SMALL_P}")
        if a:
            out.append(f"s_inv {a} {pow(a, -1, SMALL_P)}")


def rand_e(rng):
    return (rng.fel(), rng.fel())


EDGE_E = [(0, 0), (1, 0), (0, 1), (P - 1, 0), (0, P - 1), (P - 1, P - 1), (2**32, 2**32 - 1),
          (7, 1), (1, 1), (2, 2**63)]


def gen_ext(out, rng):
    out.append("# ---- Extension E = F_p[X]/(X^2 - 7): (c0 + c1 X) ----")
    pairs = [(a, b) for a in EDGE_E for b in EDGE_E][::3]
    pairs += [(rand_e(rng), rand_e(rng)) for _ in range(40)]
    for a, b in pairs:
        r = e_mul(a, b)
        out.append(f"e_mul {a[0]} {a[1]} {b[0]} {b[1]} {r[0]} {r[1]}")
        s = e_add(a, b)
        out.append(f"e_add {a[0]} {a[1]} {b[0]} {b[1]} {s[0]} {s[1]}")
        d = e_sub(a, b)
        out.append(f"e_sub {a[0]} {a[1]} {b[0]} {b[1]} {d[0]} {d[1]}")
    for a in EDGE_E + [rand_e(rng) for _ in range(20)]:
        if a != E_ZERO:
            r = e_inv(a)
            out.append(f"e_inv {a[0]} {a[1]} {r[0]} {r[1]}")
    for a in EDGE_E[:6] + [rand_e(rng) for _ in range(4)]:
        for e in [0, 1, 2, 5, P - 1, P + 1, 2**64 - 1, rng.next()]:
            r = e_pow(a, e)
            out.append(f"e_pow {a[0]} {a[1]} {e} {r[0]} {r[1]}")


def fmt_e_list(xs):
    return " ".join(f"{x[0]} {x[1]}" for x in xs)


def gen_poly(out, rng):
    out.append("# ---- Multilinear (variable 0 = most significant index bit) ----")
    for n in range(0, 6):
        for _ in range(2):
            r = [rand_e(rng) for _ in range(n)]
            out.append(f"eq_table {n} {fmt_e_list(r)} {fmt_e_list(eq_table_ref(r))}")
    for n in [0, 1, 2, 3, 5, 8]:
        a = [rand_e(rng) for _ in range(n)]
        b = [rand_e(rng) for _ in range(n)]
        v = eq_eval_ref(a, b)
        out.append(f"eq_eval {n} {fmt_e_list(a)} {fmt_e_list(b)} {v[0]} {v[1]}")
    for n in range(0, 7):
        for trial in range(3):
            if trial == 0:
                table = [rng.fel() if i % 3 else EDGE_F[i % len(EDGE_F)] for i in range(2**n)]
            else:
                table = [rng.fel() for _ in range(2**n)]
            if trial == 2 and n > 0:
                # A Boolean/edge point mixed with random coordinates.
                r = [(rng.below(2), 0) if k % 2 == 0 else rand_e(rng) for k in range(n)]
            else:
                r = [rand_e(rng) for _ in range(n)]
            v = ml_eval_ref([e_from_f(t) for t in table], r)
            line = f"ml_eval_f {n} {' '.join(map(str, table))} {fmt_e_list(r)} {v[0]} {v[1]}"
            out.append(line)
    for n in range(0, 6):
        table = [rand_e(rng) for _ in range(2**n)]
        r = [rand_e(rng) for _ in range(n)]
        v = ml_eval_ref(table, r)
        line = f"ml_eval_e {n} {fmt_e_list(table)} {fmt_e_list(r)} {v[0]} {v[1]}"
        out.append(line)


def gen_keccak(out, rng):
    out.append("# ---- Keccak-256 (Ethereum) and Keccak-f[1600] ----")
    msgs = [b"", b"abc", b"zkinfer"]
    for n in [1, 2, 7, 8, 31, 32, 33, 55, 64, 100, 134, 135, 136, 137, 200, 271, 272, 273, 408,
              1000]:
        msgs.append(rng.bytes(n))
    for m in msgs:
        out.append(f"keccak {hx(m)} {keccak256(m).hex()}")
    for _ in range(4):
        left, right = rng.bytes(32), rng.bytes(32)
        out.append(f"keccak_pair {left.hex()} {right.hex()} {keccak256(left + right).hex()}")
    for state in ([0] * 25, [rng.next() for _ in range(25)]):
        outs = keccak_f(state)
        out.append(f"keccak_f {' '.join(map(str, state))} {' '.join(map(str, outs))}")


def gen_transcripts(out, rng):
    out.append("# ---- Transcript: 'tr_new' starts a transcript; every record ends with the state ----")

    def new(label):
        t = Transcript(label)
        out.append(f"tr_new {hx(label)} {t.s.hex()}")
        return t

    def absorb_bytes(t, label, data):
        t.absorb_bytes(label, data)
        out.append(f"tr_absorb_bytes {hx(label)} {hx(data)} {t.s.hex()}")

    def absorb_u64(t, label, v):
        t.absorb_bytes(label, u64le(v))
        out.append(f"tr_absorb_u64 {hx(label)} {v} {t.s.hex()}")

    def absorb_f(t, label, v):
        t.absorb_bytes(label, u64le(v))
        out.append(f"tr_absorb_f {hx(label)} {v} {t.s.hex()}")

    def absorb_e(t, label, v):
        t.absorb_bytes(label, u64le(v[0]) + u64le(v[1]))
        out.append(f"tr_absorb_e {hx(label)} {v[0]} {v[1]} {t.s.hex()}")

    def absorb_all_f(t, label, vs):
        t.absorb_bytes(label, b"".join(u64le(v) for v in vs))
        out.append(f"tr_absorb_all_f {hx(label)} {len(vs)} {' '.join(map(str, vs))} "
                   f"{t.s.hex()}")

    def absorb_digest(t, label, d):
        t.absorb_bytes(label, d)
        out.append(f"tr_absorb_digest {hx(label)} {d.hex()} {t.s.hex()}")

    def challenge_f(t, label):
        t.begin_challenge(label)
        v = t.sample_f()
        out.append(f"tr_challenge_f {hx(label)} {v} {t.s.hex()}")

    def challenges_f(t, label, n):
        t.begin_challenge(label)
        vs = [t.sample_f() for _ in range(n)]
        out.append(f"tr_challenges_f {hx(label)} {n} {' '.join(map(str, vs))} "
                   f"{t.s.hex()}")

    def challenge_e(t, label):
        t.begin_challenge(label)
        v = t.sample_e()
        out.append(f"tr_challenge_e {hx(label)} {v[0]} {v[1]} {t.s.hex()}")

    def challenges_e(t, label, n):
        t.begin_challenge(label)
        vs = [t.sample_e() for _ in range(n)]
        out.append(f"tr_challenges_e {hx(label)} {n} {fmt_e_list(vs)} {t.s.hex()}")

    def challenges_s(t, label, n):
        t.begin_challenge(label)
        vs = [t.sample_f(SMALL_P) for _ in range(n)]
        out.append(f"tr_challenges_s {hx(label)} {n} {' '.join(map(str, vs))} "
                   f"{t.s.hex()}")

    def indices(t, label, n, bound):
        t.begin_challenge(label)
        vs = [t.uniform_below(bound) for _ in range(n)]
        out.append(f"tr_indices {hx(label)} {n} {bound} {' '.join(map(str, vs))} "
                   f"{t.s.hex()}")

    # 1. A sum-check-like script.
    t = new(b"sumcheck")
    absorb_u64(t, b"num_vars", 3)
    absorb_e(t, b"claim", (12345, 678))
    for rnd in range(3):
        absorb_all_f(t, b"round", [rng.fel() for _ in range(3)])
        challenge_e(t, b"r")
    challenges_e(t, b"batch", 7)  # 14 words: crosses several 4-word blocks
    absorb_digest(t, b"commitment", keccak256(b"root"))
    indices(t, b"queries", 9, 1 << 20)

    # 2. Empty labels and data, long data crossing block boundaries, consecutive challenges.
    t = new(b"")
    absorb_bytes(t, b"", b"")
    absorb_bytes(t, b"", b"\x00")
    absorb_bytes(t, b"long", rng.bytes(300))
    absorb_bytes(t, rng.bytes(150), rng.bytes(136))
    absorb_bytes(t, b"label with spaces", b"x")
    challenge_f(t, b"")
    challenge_f(t, b"again")
    challenges_f(t, b"many", 9)
    challenges_f(t, b"none", 0)
    absorb_f(t, b"f", P - 1)
    absorb_f(t, b"f", 0)
    absorb_u64(t, b"u", 2**64 - 1)
    challenges_e(t, b"e", 1)

    # 3. Rejection sampling: bounds for which many 64-bit words are rejected.
    t = new(b"rejection")
    indices(t, b"3*2^62", 16, 3 << 62)          # reject w >= 3 * 2^62: probability 1/4
    indices(t, b"2^63+1", 16, 2**63 + 1)        # reject w >= 2^63 + 1: probability ~1/2
    indices(t, b"2^64-1", 8, 2**64 - 1)         # only w = 2^64 - 1 is rejected
    indices(t, b"2^63", 8, 2**63)               # power of two: nothing is rejected
    indices(t, b"one", 5, 1)
    indices(t, b"ten", 12, 10)
    indices(t, b"p", 6, P)
    indices(t, b"zero count", 0, 17)
    challenges_s(t, b"small", 10)

    # 4. Random scripts.
    for script in range(4):
        t = new(b"random/" + str(script).encode())
        for _ in range(10):
            op = rng.below(9)
            label = rng.bytes(rng.below(12))
            if op == 0:
                absorb_bytes(t, label, rng.bytes(rng.below(300)))
            elif op == 1:
                absorb_u64(t, label, rng.next())
            elif op == 2:
                absorb_f(t, label, rng.fel())
            elif op == 3:
                absorb_e(t, label, rand_e(rng))
            elif op == 4:
                challenge_f(t, label)
            elif op == 5:
                challenges_e(t, label, 1 + rng.below(6))
            elif op == 6:
                indices(t, label, 1 + rng.below(10), max(1, rng.next() >> rng.below(64)))
            elif op == 7:
                challenges_s(t, label, 1 + rng.below(5))
            else:
                absorb_all_f(t, label, [rng.fel() for _ in range(rng.below(5))])


HEADER = """\
# zkinfer known-answer vectors, generated by tests/ref/field_ref.py (do not edit by hand).
# Regenerate: python3 tests/ref/field_ref.py      Check: python3 tests/ref/field_ref.py --check
# Tokens are separated by single spaces. Integers decimal; byte strings lowercase hex ('-' = empty).
# E elements are written as two tokens c0 c1 (= c0 + c1 X, X^2 = 7). p = 2^64 - 2^32 + 1.
#   f_add/f_sub/f_mul a b r     f_neg a r     f_inv a r     f_signed a s (s in (-p/2, p/2])
#   f_pow a e r                 f_from_u64 x r (x any u64)  f_from_i64 x r (x signed)
#   f_bytes hex8 ok v (ok = 1: decodes to v; ok = 0: rejected)   f_root k w (root_of_unity(k))
#   s_add/s_sub/s_mul a b r, s_inv a r: SmallPrimeField<2147483647>
#   e_add/e_sub/e_mul a0 a1 b0 b1 r0 r1   e_inv a0 a1 r0 r1   e_pow a0 a1 e r0 r1
#   eq_table n r(n E) table(2^n E)        eq_eval n a(n E) b(n E) v(E)
#   ml_eval_f n table(2^n F) r(n E) v(E)  ml_eval_e n table(2^n E) r(n E) v(E)
#   keccak msg digest   keccak_pair left right digest   keccak_f in(25 u64) out(25 u64)
#   tr_new label state; then on the same transcript, each ending with the new state:
#     tr_absorb_bytes label data | tr_absorb_u64 label v | tr_absorb_f label v |
#     tr_absorb_e label c0 c1 | tr_absorb_all_f label n v... | tr_absorb_digest label d |
#     tr_challenge_f label v | tr_challenges_f label n v... | tr_challenge_e label c0 c1 |
#     tr_challenges_e label n (c0 c1)... | tr_challenges_s label n v... (SmallPrimeField<2^31-1>) |
#     tr_indices label n bound v...
"""


def generate():
    self_check_field()
    self_check_keccak()
    out = []
    gen_field(out, SplitMix64(0x5EED0001))
    gen_small(out, SplitMix64(0x5EED0002))
    gen_ext(out, SplitMix64(0x5EED0003))
    gen_poly(out, SplitMix64(0x5EED0004))
    gen_keccak(out, SplitMix64(0x5EED0005))
    gen_transcripts(out, SplitMix64(0x5EED0006))
    # Empty lists leave double spaces in some f-strings: normalise to single separators.
    out = [line if line.startswith("#") else " ".join(line.split()) for line in out]
    return HEADER + "\n".join(out) + "\n"


def main(argv):
    path = os.path.join(os.path.dirname(os.path.abspath(__file__)), "vectors.txt")
    text = generate()
    if len(argv) > 1 and argv[1] == "--check":
        try:
            with open(path, "r", encoding="ascii") as fh:
                committed = fh.read()
        except OSError as err:
            print(f"field_ref.py: cannot read {path}: {err}", file=sys.stderr)
            return 1
        if committed != text:
            old, new = committed.splitlines(), text.splitlines()
            for i, (a, b) in enumerate(zip(old, new)):
                if a != b:
                    print(f"field_ref.py: {path} differs at line {i + 1}", file=sys.stderr)
                    break
            else:
                print(f"field_ref.py: {path} differs in length ({len(old)} vs {len(new)} lines)",
                      file=sys.stderr)
            return 1
        print(f"field_ref.py: {path} matches the reference")
        return 0
    if len(argv) > 1:
        print(__doc__, file=sys.stderr)
        return 2
    with open(path, "w", encoding="ascii", newline="\n") as fh:
        fh.write(text)
    print(f"field_ref.py: wrote {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
