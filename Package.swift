// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "yardstick",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "yardstick", targets: ["yardstick"])
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/swiftcsv/SwiftCSV", from: "0.10.0"),
        .package(url: "https://github.com/JohnSundell/Plot", from: "0.14.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "3.12.3"),
        .package(url: "https://github.com/groue/GRDB.swift", exact: "7.10.0"),
        .package(url: "https://github.com/vapor/postgres-nio", exact: "1.33.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // The system libgit2 (Debian: libgit2-dev). Only GitBridge imports it.
        .systemLibrary(
            name: "CLibGit2",
            pkgConfig: "libgit2",
            providers: [.apt(["libgit2-dev"])]
        ),
        // A pack-file reader with a real delta-base cache, served to libgit2 as an object-database backend
        // (ADR 0009). C, because it sits under libgit2; its header names no libgit2 type.
        .target(
            name: "CGitPack", dependencies: ["CLibGit2"],
            linkerSettings: [.linkedLibrary("z"), .linkedLibrary("deflate")]),
        // The proven-exact diff trimming planner (ADR 0008): plain C over two byte buffers, no libgit2.
        .target(name: "CDiffTrim"),
        // Plain Sendable value types: commits, file changes, landed changes; and the store that holds the
        // records, whose full blocks go to an unnamed temporary file (ADR 0010), its only I/O.
        .target(name: "HistoryModel"),
        // The one layer that owns libgit2 handles.
        .target(name: "GitBridge", dependencies: ["CLibGit2", "CGitPack", "CDiffTrim", "HistoryModel"]),
        // Dispatch-based miner: walks history through GitBridge, yields HistoryModel records.
        .target(name: "HistoryMining", dependencies: ["GitBridge", "HistoryModel", "HistoryParsing"]),
        // The report contract: the `Report` types (the JSON contract), the benchmark table and the statistics
        // reports name. No calculator: reporters import this, not HistoryMetrics.
        .target(name: "ReportContract"),
        // Parsers of text that comes from the analysed repository or the user: path patterns (linear time),
        // .gitattributes as git check-attr reads it, timestamps. No dependency: the fuzz targets build them alone.
        .target(name: "HistoryParsing"),
        // Pure metric calculators over records.
        .target(name: "HistoryMetrics", dependencies: ["HistoryModel", "HistoryParsing", "ReportContract"]),
        // Build, coverage and review exports: parsers and pure joins/calculators (ADR 0015, docs/imports.md).
        .target(
            name: "EvidenceImport",
            dependencies: ["HistoryModel", .product(name: "SwiftCSV", package: "SwiftCSV")]
        ),
        // yardstick.yml parsing into metric rules.
        .target(
            name: "YardstickConfig",
            dependencies: ["HistoryMetrics", "HistoryModel", "ReportContract", .product(name: "Yams", package: "Yams")]
        ),
        // The system Zstandard (Debian: libzstd-dev), for the store's compressed blobs, and the system zlib
        // (Debian: zlib1g-dev), for blobs that stores written before hold.
        .systemLibrary(name: "CZstd", pkgConfig: "libzstd", providers: [.apt(["libzstd-dev"])]),
        .systemLibrary(name: "CZlib", pkgConfig: "zlib", providers: [.apt(["zlib1g-dev"])]),
        // The store seam (ADR 0023): the `RunStore` protocol a backend implements, its value types (runs, records by
        // repository), its errors and the record-chunk codec. No database.
        .target(name: "HistoryStoreCore", dependencies: ["CZlib", "CZstd", "HistoryModel"]),
        // The persistent store for nightly runs (ADR 0019): records in chunks, the runs' snapshots, in SQLite
        // through GRDB (the system libsqlite3). The only user of GRDB.
        .target(
            name: "HistoryStoreSQLite",
            dependencies: ["HistoryModel", "HistoryStoreCore", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The PostgreSQL backend of the store seam (ADR 0023), for many repositories and many writers: postgres-nio,
        // one connection on one event-loop thread, driven synchronously. The only user of PostgresNIO.
        .target(
            name: "HistoryStorePostgres",
            dependencies: [
                "HistoryModel", "HistoryStoreCore",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The analysis pipeline: mining → classification → fix tracing → metrics.
        .target(
            name: "YardstickAnalysis",
            dependencies: [
                "EvidenceImport", "GitBridge", "HistoryMining", "HistoryMetrics", "HistoryModel", "HistoryStoreCore",
                "HistoryStorePostgres", "HistoryStoreSQLite", "ReportContract", "YardstickConfig",
            ]
        ),
        // Pure reporters over metrics.
        .target(
            name: "MetricsReporting",
            dependencies: ["ReportContract", .product(name: "Plot", package: "Plot")]
        ),
        // Evidence over a finished report: claims, report comparison, signatures, pseudonyms (ADR 0014).
        .target(
            name: "ReportEvidence",
            dependencies: [
                "HistoryMetrics", "MetricsReporting", "ReportContract",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Yams", package: "Yams"),
            ]
        ),
        .executableTarget(
            name: "yardstick",
            dependencies: [
                "EvidenceImport", "HistoryMining", "HistoryMetrics", "HistoryModel", "HistoryStoreCore",
                "HistoryStoreSQLite", "MetricsReporting", "ReportContract",
                "ReportEvidence", "YardstickConfig", "YardstickAnalysis",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .target(name: "TestSupport", dependencies: ["HistoryModel"], path: "Tests/TestSupport"),
        .testTarget(name: "HistoryModelTests", dependencies: ["HistoryModel", "TestSupport"]),
        .testTarget(name: "GitBridgeTests", dependencies: ["GitBridge", "HistoryModel", "TestSupport"]),
        .testTarget(
            name: "HistoryMiningTests",
            dependencies: ["HistoryMining", "HistoryModel", "HistoryMetrics", "HistoryParsing", "TestSupport"]
        ),
        .testTarget(
            name: "HistoryMetricsTests",
            dependencies: ["HistoryMetrics", "HistoryModel", "HistoryParsing", "ReportContract", "TestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "YardstickConfigTests",
            dependencies: ["YardstickConfig", "HistoryMetrics", "HistoryParsing", "TestSupport"]),
        .testTarget(
            name: "MetricsReportingTests",
            dependencies: [
                "MetricsReporting", "HistoryMetrics", "HistoryModel", "HistoryParsing", "ReportContract",
                .product(name: "SwiftCSV", package: "SwiftCSV"),
            ],
            exclude: ["Snapshots"]
        ),
        .testTarget(
            name: "YardstickAnalysisTests",
            dependencies: [
                "YardstickAnalysis", "HistoryMetrics", "HistoryMining", "HistoryModel", "ReportContract",
                "YardstickConfig",
                "TestSupport",
            ]
        ),
        .testTarget(
            name: "CLITests", dependencies: ["ReportContract", "TestSupport", .product(name: "Yams", package: "Yams")],
            exclude: ["Snapshots", "Golden"]),
        .testTarget(
            name: "HistoryStoreSQLiteTests",
            dependencies: [
                "HistoryStoreCore", "HistoryStoreSQLite", "HistoryModel", "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
            ]),
        .testTarget(
            name: "HistoryStorePostgresTests",
            dependencies: ["HistoryStoreCore", "HistoryStorePostgres", "HistoryModel", "TestSupport"]
        ),
        .testTarget(
            name: "EvidenceImportTests", dependencies: ["EvidenceImport", "HistoryModel", "TestSupport"],
            exclude: ["Fixtures"]
        ),
        .testTarget(
            name: "ReportEvidenceTests",
            dependencies: ["ReportEvidence", "HistoryMetrics", "MetricsReporting", "ReportContract"]
        ),
    ]
)

for target in package.targets where [.executable, .test, .regular].contains(target.type) {
    target.swiftSettings =
        (target.swiftSettings ?? []) + [
            .enableUpcomingFeature("ExistentialAny"),
            .enableUpcomingFeature("InternalImportsByDefault"),
            .enableUpcomingFeature("MemberImportVisibility"),
        ]
}
