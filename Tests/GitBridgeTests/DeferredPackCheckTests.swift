import Dispatch
import Foundation
import Synchronization
import TestSupport
import Testing

@testable import GitBridge

/// Pack checks deferred to a thread of their own (`Repository(deferPackChecks:)`, ADR 0008): the handle opens
/// at once, and `awaitPackChecks` reports what opening without deferring reports.
@Suite struct DeferredPackCheckTests {
    @Test func aDamagedPackIsReportedWhenAwaited() throws {
        let path = DamagedRepositories.path("pack-blob-rewritten")
        let pack = DamagedRepositories.packFiles("pack-blob-rewritten", suffix: ".pack")[0]
        let deferred = try Repository(path: path, deferPackChecks: true)
        var awaited: GitError?
        do throws(GitError) { try deferred.awaitPackChecks() } catch { awaited = error }
        var direct: GitError?
        do throws(GitError) { _ = try Repository(path: path) } catch { direct = error }
        #expect(awaited != nil)
        #expect(awaited?.message.hasPrefix("\(pack) is damaged: its content hashes to ") == true)
        #expect(awaited?.message == direct?.message)
        // Kept, not reported once: every later wait and open sees it.
        #expect(throws: GitError.self) { try deferred.awaitPackChecks() }
        #expect(throws: GitError.self) { try Repository(path: path, deferPackChecks: true).awaitPackChecks() }
    }

    @Test func anIntactPackPassesAndIsRead() throws {
        let path = DamagedRepositories.path("packed")
        let deferred = try Repository(path: path, deferPackChecks: true)
        let tip = try deferred.resolveCommit("HEAD")
        try deferred.awaitPackChecks()
        #expect(try Repository(path: path).resolveCommit("HEAD") == tip)
    }

    /// Handles that do not defer wait for a check another handle left running, and then see its outcome.
    @Test func concurrentOpensAgree() {
        let path = DamagedRepositories.path("idx-offset-swapped")
        let messages = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 8) { i in
            var message = "opened"
            do throws(GitError) {
                let repository = try Repository(path: path, deferPackChecks: i % 2 == 0)
                try repository.awaitPackChecks()
            } catch {
                message = error.message
            }
            messages.withLock { $0.append(message) }
        }
        let all = messages.withLock { $0 }
        #expect(all.count == 8)
        #expect(Set(all).count == 1)
        #expect(all[0].contains("is damaged: its content hashes to "))
    }
}
