/// How the caller lets the analysis run two independent steps: one after the other, or side by side on a
/// thread the caller provides. The metrics code starts no thread of its own, and no result depends on the
/// choice.
public struct Concurrency: Sendable {
    public typealias Runner = @Sendable (_ side: @escaping @Sendable () -> Void, _ main: () -> Void) -> Void
    private let run: Runner

    /// `run` must call `side` and `main` once each and return when both have finished.
    public init(_ run: @escaping Runner) {
        self.run = run
    }

    /// Runs `side` and `main`, and returns when both have finished.
    public func both(_ side: @escaping @Sendable () -> Void, _ main: () -> Void) {
        run(side, main)
    }

    /// `side`, then `main`, on the calling thread.
    public static let sequential = Concurrency { side, main in
        side()
        main()
    }
}
