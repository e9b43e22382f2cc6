//! The eigendecomposition of a real symmetric matrix, in f64: Householder reduction to a
//! tridiagonal matrix, then the implicit QL algorithm with shifts (EISPACK's tred2 and tql2, in
//! the form of the public-domain JAMA library). O(n³): a 784 × 784 pixel covariance takes about a
//! second natively. Exact up to rounding — the independent answer PCA and the autoencoder lesson
//! are checked against.

/// Eigenvalues in descending order, with their unit eigenvectors.
#[derive(Clone, Debug, PartialEq)]
pub struct SymmetricEigen {
    pub n: usize,
    pub values: Vec<f64>,
    /// Row i (n values) is the eigenvector of `values[i]`.
    pub vectors: Vec<f64>,
}

impl SymmetricEigen {
    /// Decomposes the symmetric `a` (n × n, row-major; only its symmetry is assumed, not
    /// checked). `progress(done, total)` is called as the reduction advances, for a long one.
    pub fn new(a: &[f64], n: usize, mut progress: impl FnMut(usize, usize)) -> SymmetricEigen {
        assert_eq!(a.len(), n * n, "a is n × n");
        if n == 0 {
            return SymmetricEigen {
                n,
                values: vec![],
                vectors: vec![],
            };
        }
        let mut v = a.to_vec(); // n × n, becomes the accumulated transformation
        let mut d = vec![0.0; n]; // diagonal
        let mut e = vec![0.0; n]; // off-diagonal
        tred2(&mut v, &mut d, &mut e, n, &mut progress);
        // The QL sweeps rotate pairs of columns of v: as rows of its transpose they are contiguous.
        let mut vt = transpose(&v, n);
        tql2(&mut vt, &mut d, &mut e, n);
        progress(n, n);
        let mut order: Vec<usize> = (0..n).collect();
        order.sort_by(|&i, &j| d[j].total_cmp(&d[i]));
        let values = order.iter().map(|&i| d[i]).collect();
        let mut vectors = Vec::with_capacity(n * n);
        for &i in &order {
            vectors.extend_from_slice(&vt[i * n..(i + 1) * n]);
        }
        SymmetricEigen { n, values, vectors }
    }

    /// The eigenvector of the i-th largest eigenvalue.
    pub fn vector(&self, i: usize) -> &[f64] {
        &self.vectors[i * self.n..(i + 1) * self.n]
    }
}

fn transpose(a: &[f64], n: usize) -> Vec<f64> {
    let mut t = vec![0.0; n * n];
    for r in 0..n {
        for c in 0..n {
            t[c * n + r] = a[r * n + c];
        }
    }
    t
}

/// Householder reduction of the symmetric `v` to tridiagonal form: on return `d` is the diagonal,
/// `e[1..]` the subdiagonal, and `v` the orthogonal transformation (row-major).
fn tred2(
    v: &mut [f64],
    d: &mut [f64],
    e: &mut [f64],
    n: usize,
    progress: &mut impl FnMut(usize, usize),
) {
    let at = |r: usize, c: usize| r * n + c;
    for j in 0..n {
        d[j] = v[at(n - 1, j)];
    }
    for i in (1..n).rev() {
        if i % 64 == 0 {
            progress(n - i, n);
        }
        let scale: f64 = d[..i].iter().map(|x| x.abs()).sum();
        let mut h = 0.0;
        if scale == 0.0 {
            e[i] = d[i - 1];
            for j in 0..i {
                d[j] = v[at(i - 1, j)];
                v[at(i, j)] = 0.0;
                v[at(j, i)] = 0.0;
            }
        } else {
            for k in 0..i {
                d[k] /= scale;
                h += d[k] * d[k];
            }
            let mut f = d[i - 1];
            let mut g = h.sqrt();
            if f > 0.0 {
                g = -g;
            }
            e[i] = scale * g;
            h -= f * g;
            d[i - 1] = f - g;
            e[..i].fill(0.0);
            for j in 0..i {
                f = d[j];
                v[at(j, i)] = f;
                g = e[j] + v[at(j, j)] * f;
                for k in j + 1..i {
                    g += v[at(k, j)] * d[k];
                    e[k] += v[at(k, j)] * f;
                }
                e[j] = g;
            }
            f = 0.0;
            for j in 0..i {
                e[j] /= h;
                f += e[j] * d[j];
            }
            let hh = f / (h + h);
            for j in 0..i {
                e[j] -= hh * d[j];
            }
            for j in 0..i {
                let (f, g) = (d[j], e[j]);
                for k in j..i {
                    v[at(k, j)] -= f * e[k] + g * d[k];
                }
                d[j] = v[at(i - 1, j)];
                v[at(i, j)] = 0.0;
            }
        }
        d[i] = h;
    }
    // Accumulate the transformations.
    for i in 0..n - 1 {
        v[at(n - 1, i)] = v[at(i, i)];
        v[at(i, i)] = 1.0;
        let h = d[i + 1];
        if h != 0.0 {
            for k in 0..=i {
                d[k] = v[at(k, i + 1)] / h;
            }
            for j in 0..=i {
                let g: f64 = (0..=i).map(|k| v[at(k, i + 1)] * v[at(k, j)]).sum();
                for k in 0..=i {
                    v[at(k, j)] -= g * d[k];
                }
            }
        }
        for k in 0..=i {
            v[at(k, i + 1)] = 0.0;
        }
    }
    for j in 0..n {
        d[j] = v[at(n - 1, j)];
        v[at(n - 1, j)] = 0.0;
    }
    v[at(n - 1, n - 1)] = 1.0;
    e[0] = 0.0;
}

/// The implicit QL algorithm on the tridiagonal (`d`, `e`): on return `d` holds the eigenvalues
/// (unsorted) and row i of `vt` the eigenvector of `d[i]`.
fn tql2(vt: &mut [f64], d: &mut [f64], e: &mut [f64], n: usize) {
    for i in 1..n {
        e[i - 1] = e[i];
    }
    e[n - 1] = 0.0;
    let mut f = 0.0;
    let mut tst1: f64 = 0.0;
    let eps = f64::EPSILON;
    for l in 0..n {
        tst1 = tst1.max(d[l].abs() + e[l].abs());
        let mut m = l;
        while m < n - 1 && e[m].abs() > eps * tst1 {
            m += 1;
        }
        if m > l {
            loop {
                let mut g = d[l];
                let mut p = (d[l + 1] - g) / (2.0 * e[l]);
                let mut r = libm::hypot(p, 1.0);
                if p < 0.0 {
                    r = -r;
                }
                d[l] = e[l] / (p + r);
                d[l + 1] = e[l] * (p + r);
                let dl1 = d[l + 1];
                let mut h = g - d[l];
                for di in d.iter_mut().skip(l + 2) {
                    *di -= h;
                }
                f += h;
                p = d[m];
                let (mut c, mut c2, mut c3) = (1.0, 1.0, 1.0);
                let el1 = e[l + 1];
                let (mut s, mut s2) = (0.0, 0.0);
                for i in (l..m).rev() {
                    c3 = c2;
                    c2 = c;
                    s2 = s;
                    g = c * e[i];
                    h = c * p;
                    r = libm::hypot(p, e[i]);
                    e[i + 1] = s * r;
                    s = e[i] / r;
                    c = p / r;
                    p = c * d[i] - s * g;
                    d[i + 1] = h + s * (c * g + s * d[i]);
                    let (lo, hi) = vt.split_at_mut((i + 1) * n);
                    let (col_i, col_next) = (&mut lo[i * n..], &mut hi[..n]);
                    for (a, b) in col_i.iter_mut().zip(col_next.iter_mut()) {
                        let h = *b;
                        *b = s * *a + c * h;
                        *a = c * *a - s * h;
                    }
                }
                p = -s * s2 * c3 * el1 * e[l] / dl1;
                e[l] = s * p;
                d[l] = c * p;
                if e[l].abs() <= eps * tst1 {
                    break;
                }
            }
        }
        d[l] += f;
        e[l] = 0.0;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rng::Rng;

    /// A random orthogonal matrix (Gram–Schmidt on Gaussian rows).
    fn random_orthogonal(n: usize, rng: &mut Rng) -> Vec<f64> {
        let mut q = vec![0.0; n * n];
        for r in 0..n {
            let mut row: Vec<f64> = (0..n).map(|_| rng.normal()).collect();
            for p in 0..r {
                let prev = &q[p * n..(p + 1) * n];
                let dot: f64 = row.iter().zip(prev).map(|(a, b)| a * b).sum();
                for (x, y) in row.iter_mut().zip(prev) {
                    *x -= dot * y;
                }
            }
            let norm = row.iter().map(|x| x * x).sum::<f64>().sqrt();
            for (c, x) in row.iter().enumerate() {
                q[r * n + c] = x / norm;
            }
        }
        q
    }

    /// Qᵀ diag(λ) Q for the rows of Q.
    fn with_spectrum(q: &[f64], lambda: &[f64]) -> Vec<f64> {
        let n = lambda.len();
        let mut a = vec![0.0; n * n];
        for (k, &l) in lambda.iter().enumerate() {
            let v = &q[k * n..(k + 1) * n];
            for r in 0..n {
                for c in 0..n {
                    a[r * n + c] += l * v[r] * v[c];
                }
            }
        }
        a
    }

    #[test]
    fn finds_a_known_spectrum_and_its_vectors() {
        let mut rng = Rng::new(11);
        for &n in &[1, 2, 5, 40, 97] {
            let q = random_orthogonal(n, &mut rng);
            // Distinct values, a repeated one and zeros, like a pixel covariance's null space.
            let mut lambda: Vec<f64> = (0..n).map(|i| 10.0 / (1.0 + i as f64)).collect();
            if n > 4 {
                lambda[2] = lambda[3];
                lambda[n - 1] = 0.0;
                lambda[n - 2] = 0.0;
            }
            let a = with_spectrum(&q, &lambda);
            let eig = SymmetricEigen::new(&a, n, |_, _| {});
            let mut want = lambda.clone();
            want.sort_by(|a, b| b.total_cmp(a));
            for (got, want) in eig.values.iter().zip(&want) {
                assert!((got - want).abs() < 1e-10, "n = {n}: {got} vs {want}");
            }
            // A v = λ v and the vectors are orthonormal.
            for i in 0..n {
                let v = eig.vector(i);
                for r in 0..n {
                    let av: f64 = (0..n).map(|c| a[r * n + c] * v[c]).sum();
                    assert!(
                        (av - eig.values[i] * v[r]).abs() < 1e-9,
                        "n = {n}, A v = λ v"
                    );
                }
                for j in 0..n {
                    let dot: f64 = v.iter().zip(eig.vector(j)).map(|(a, b)| a * b).sum();
                    let want = if i == j { 1.0 } else { 0.0 };
                    assert!((dot - want).abs() < 1e-9, "n = {n}, orthonormal");
                }
            }
        }
    }

    /// The leading eigenpair against power iteration, an independent method.
    #[test]
    fn agrees_with_power_iteration() {
        let mut rng = Rng::new(5);
        let n = 60;
        let b: Vec<f64> = (0..n * n).map(|_| rng.normal()).collect();
        // A = BᵀB / n: symmetric positive semi-definite with a clear top eigenvalue.
        let mut a = vec![0.0; n * n];
        for r in 0..n {
            for c in 0..n {
                a[r * n + c] = (0..n).map(|k| b[k * n + r] * b[k * n + c]).sum::<f64>() / n as f64;
            }
        }
        let eig = SymmetricEigen::new(&a, n, |_, _| {});
        let mut v = vec![1.0; n];
        let mut lambda = 0.0;
        for _ in 0..20_000 {
            let w: Vec<f64> = (0..n)
                .map(|r| (0..n).map(|c| a[r * n + c] * v[c]).sum())
                .collect();
            let norm = w.iter().map(|x| x * x).sum::<f64>().sqrt();
            lambda = norm;
            v = w.iter().map(|x| x / norm).collect();
        }
        assert!(
            (lambda - eig.values[0]).abs() < 1e-9 * lambda,
            "{lambda} vs {}",
            eig.values[0]
        );
        let dot: f64 = v.iter().zip(eig.vector(0)).map(|(a, b)| a * b).sum();
        assert!(dot.abs() > 1.0 - 1e-9, "same direction up to sign: {dot}");
    }

    #[test]
    fn reports_progress_to_the_end() {
        let mut seen = vec![];
        let a: Vec<f64> = (0..200 * 200)
            .map(|i| ((i % 200) == (i / 200)) as u8 as f64)
            .collect();
        let eig = SymmetricEigen::new(&a, 200, |done, total| seen.push((done, total)));
        assert!(eig.values.iter().all(|&v| (v - 1.0).abs() < 1e-12));
        assert_eq!(seen.last(), Some(&(200, 200)));
        assert!(
            seen.windows(2).all(|w| w[0].0 <= w[1].0),
            "progress only goes forward"
        );
    }
}
