import Dispatch

/// A fixed number of cores shared by the cases of a batch and by the threads that read the files
/// of each case, so that together they never run more threads than there are tokens.
///
/// A case holds one token while it runs; a case that has files waiting takes more for helper
/// threads, only when they are free at once, and gives each back as soon as its helper finds no
/// file left.
final class CoreTokens: Sendable {
    /// How many tokens there are.
    let count: Int
    private let semaphore: DispatchSemaphore

    /// Creates `count` tokens (at least none).
    init(count: Int) {
        self.count = max(0, count)
        semaphore = DispatchSemaphore(value: self.count)
    }

    /// Takes a token, waiting until one is free.
    func acquire() {
        semaphore.wait()
    }

    /// Takes a token if one is free now.
    func tryAcquire() -> Bool {
        semaphore.wait(timeout: .now()) == .success
    }

    /// Gives a token back.
    func release() {
        semaphore.signal()
    }
}
