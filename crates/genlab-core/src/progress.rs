//! Long one-off computations a lesson makes before it can start (the autoencoders' exact PCA:
//! seconds in the browser) say how far they are. The host installs a reporter — the page's
//! worker posts each report to the page, which shows a progress bar; native hosts install none
//! and the reports go nowhere.

use std::cell::RefCell;

type Reporter = Box<dyn Fn(&'static str, u64, u64)>;

thread_local! {
    static REPORTER: RefCell<Option<Reporter>> = const { RefCell::new(None) };
}

/// From now on, `report(what, done, total)` goes to `reporter`.
pub fn set_reporter(reporter: impl Fn(&'static str, u64, u64) + 'static) {
    REPORTER.with(|r| *r.borrow_mut() = Some(Box::new(reporter)));
}

/// `what` has done `done` of `total` units of work; `done == total` ends it.
pub fn report(what: &'static str, done: u64, total: u64) {
    REPORTER.with(|r| {
        if let Some(reporter) = r.borrow().as_ref() {
            reporter(what, done, total);
        }
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::rc::Rc;

    #[test]
    fn reports_reach_the_installed_reporter() {
        report("nobody listens", 1, 2);
        let seen = Rc::new(RefCell::new(Vec::new()));
        let sink = seen.clone();
        set_reporter(move |what, done, total| sink.borrow_mut().push((what, done, total)));
        report("pca", 3, 10);
        report("pca", 10, 10);
        assert_eq!(*seen.borrow(), [("pca", 3, 10), ("pca", 10, 10)]);
    }
}
