import ReportContract
import Testing

@testable import MetricsReporting

/// `yardstick history`'s renderings of hand-made runs, to the byte.
@Suite struct HistoryReporterTests {
    static func metric(_ title: String, _ value: Double?, unit: String) -> Report.Metric {
        Report.Metric(title: title, value: value, unit: unit, aggregator: "mean", source: .measured, details: [:])
    }

    static let history = RunHistory(runs: [
        RunHistory.Run(
            time: 1_733_443_200, head: "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", branch: "main", toolVersion: "0.1.0",
            groups: [
                Report.Group(
                    name: "Vendor", authors: [],
                    metrics: [
                        "prSize": metric("PR size", 111.25, unit: "lines"),
                        "directShare": metric("Direct", 50, unit: "%"),
                    ])
            ]),
        RunHistory.Run(
            time: 1_733_529_600, head: "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb", branch: "main", toolVersion: "0.1.0",
            groups: [
                Report.Group(name: "Vendor", authors: [], metrics: ["prSize": metric("PR size", 98.5, unit: "lines")]),
                Report.Group(
                    name: "=evil\u{1B}[31m,\"x\"", authors: [],
                    metrics: ["prSize": metric("PR size", nil, unit: "lines")]),
            ]),
    ])

    @Test func table() {
        #expect(
            HistoryReporter.render(Self.history, format: .table) == """
                Runs (2 stored, the last 2 shown; times in UTC)
                  run  time              head          branch  tool
                  #1   2024-12-06 00:00  aaaaaaaaaaaa  main    0.1.0
                  #2   2024-12-07 00:00  bbbbbbbbbbbb  main    0.1.0

                Group Vendor
                  metric   #1      #2
                  PR size  111.25  98.5
                  Direct   50%

                Group =evil\\x1B[31m,"x"
                  metric   #1  #2
                  PR size      —

                """)
        // Only the last run.
        #expect(HistoryReporter.render(Self.history, format: .table, lastRuns: 1).contains("the last 1 shown"))
    }

    @Test func json() {
        #expect(
            HistoryReporter.render(Self.history, format: .json) == """
                {
                  "groups" : [
                    {
                      "metrics" : {
                        "directShare" : {
                          "title" : "Direct",
                          "unit" : "%",
                          "values" : [
                            50,
                            null
                          ]
                        },
                        "prSize" : {
                          "title" : "PR size",
                          "unit" : "lines",
                          "values" : [
                            111.25,
                            98.5
                          ]
                        }
                      },
                      "name" : "Vendor"
                    },
                    {
                      "metrics" : {
                        "prSize" : {
                          "title" : "PR size",
                          "unit" : "lines",
                          "values" : [
                            null,
                            null
                          ]
                        }
                      },
                      "name" : "=evil\\u001b[31m,\\"x\\""
                    }
                  ],
                  "runs" : [
                    {
                      "branch" : "main",
                      "head" : "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa",
                      "time" : "2024-12-06T00:00:00Z",
                      "toolVersion" : "0.1.0"
                    },
                    {
                      "branch" : "main",
                      "head" : "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb",
                      "time" : "2024-12-07T00:00:00Z",
                      "toolVersion" : "0.1.0"
                    }
                  ],
                  "schemaVersion" : 1
                }

                """)
    }

    @Test func csv() {
        let a = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa"
        let b = "bbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbbb"
        #expect(
            HistoryReporter.render(Self.history, format: .csv)
                == "run,time,head,branch,group,metric,value,unit,source\r\n"
                + "1,2024-12-06T00:00:00Z,\(a),main,Vendor,prSize,111.25,lines,measured\r\n"
                + "1,2024-12-06T00:00:00Z,\(a),main,Vendor,directShare,50.0,%,measured\r\n"
                + "2,2024-12-07T00:00:00Z,\(b),main,Vendor,prSize,98.5,lines,measured\r\n"
                + "2,2024-12-07T00:00:00Z,\(b),main,\"'=evil\u{1B}[31m,\"\"x\"\"\",prSize,,lines,measured\r\n")
    }

    @Test func noRuns() {
        #expect(HistoryReporter.render(RunHistory(runs: []), format: .table) == "No runs stored yet.\n")
    }
}
