import Foundation
import HistoryMining
import TestSupport
import Testing

/// With more than one worker the miner walks the links while the packs' checksums are computed (ADR 0008): a
/// damaged repository must fail with the error one worker gives, whatever the walk meets first.
@Suite struct DeferredPackCheckMiningTests {
    static func outcome(_ name: String, workers: Int, branch: String? = nil) -> String {
        do {
            let options = MiningOptions(branch: branch, workers: workers)
            let history = try Miner(path: DamagedRepositories.path(name), options: options).mine()
            return "mined \(history.mainline.count)"
        } catch {
            return error.description
        }
    }

    @Test(arguments: [
        "packed", "truncated-pack", "damaged-fanout", "pack-blob-rewritten", "idx-offset-swapped", "fifo-idx",
        "pack-rewritten-checksummed",
    ])
    func oneAndTwoWorkersFailAlike(_ name: String) {
        let one = Self.outcome(name, workers: 1)
        #expect(Self.outcome(name, workers: 2) == one, "\(name)")
        #expect(Self.outcome(name, workers: 4) == one, "\(name)")
    }

    @Test func aDamagedPackIsTheErrorReported() {
        let pack = DamagedRepositories.packFiles("truncated-pack", suffix: ".pack")[0]
        #expect(Self.outcome("truncated-pack", workers: 2).contains("\(pack) is damaged"))
    }

    /// An error met while the checks run (here an unknown branch, read at the tip) comes second to a failed check.
    @Test func aFailedCheckComesBeforeAnErrorOfTheWalk() {
        for name in ["truncated-pack", "pack-blob-rewritten"] {
            let one = Self.outcome(name, workers: 1, branch: "no-such-branch")
            #expect(one.contains("is damaged"), "\(one)")
            #expect(Self.outcome(name, workers: 2, branch: "no-such-branch") == one)
        }
    }
}
