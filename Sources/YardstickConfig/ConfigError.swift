/// A problem in a configuration file, located to a line.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    public var file: String
    /// 1-based; nil when the problem is with the file as a whole.
    public var line: Int?
    public var message: String

    public init(file: String, line: Int?, message: String) {
        self.file = file
        self.line = line
        self.message = message
    }

    /// `yardstick.yml:7: groups[0].domains must be a list of strings` — one line.
    public var description: String {
        if let line { return "\(file):\(line): \(message)" }
        return "\(file): \(message)"
    }
}
