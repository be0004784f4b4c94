import Foundation

/// Runs `body` on a thread of its own and waits at most `seconds` for it; nil when it did not
/// finish in time. A test of a hang must fail, not hang the suite: the stuck thread is left
/// behind (the caller may unblock it) and the test reports the time-out.
func withinDeadline<Result: Sendable>(seconds: Double, _ body: @escaping @Sendable () -> Result) -> Result? {
    let outcome = DeadlineOutcome<Result>()
    let done = DispatchSemaphore(value: 0)
    let thread = Thread {
        outcome.set(body())
        done.signal()
    }
    thread.stackSize = 8 << 20
    thread.start()
    guard done.wait(timeout: .now() + seconds) == .success else { return nil }
    return outcome.get()
}

/// The value a deadline-bound thread produced.
private final class DeadlineOutcome<Value: Sendable>: @unchecked Sendable {
    private let lock = NSLock()
    private var value: Value?

    func set(_ newValue: Value) { lock.withLock { value = newValue } }
    func get() -> Value? { lock.withLock { value } }
}
