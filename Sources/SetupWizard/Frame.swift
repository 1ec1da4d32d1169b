/// How a cell is drawn. Every style is visible without color too (reverse, bold, markers).
public enum CellStyle: UInt8, Sendable, Equatable {
    case normal, dim, bold, reverse, error, success
}

/// One character cell. A wide character takes two cells; the second is a `continuation`.
public struct Cell: Equatable, Sendable {
    public var character: Character
    public var style: CellStyle
    public var continuation: Bool

    public init(_ character: Character, _ style: CellStyle = .normal, continuation: Bool = false) {
        self.character = character
        self.style = style
        self.continuation = continuation
    }

    public static let blank = Cell(" ")
}

/// A terminal size in cells.
public struct Size: Equatable, Sendable {
    public var width: Int
    public var height: Int
    public init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    /// Below this the wizard shows only "Terminal too small".
    public static let minimum = Size(width: 60, height: 16)
}

/// A cell position.
public struct Position: Equatable, Sendable {
    public var row: Int
    public var column: Int
    public init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }
}

/// What the terminal shows: a grid of styled cells and where the cursor goes (nil = hidden).
public struct Frame: Equatable, Sendable {
    public let size: Size
    public private(set) var cells: [Cell]
    public var cursor: Position?

    public init(size: Size) {
        self.size = size
        self.cells = Array(repeating: .blank, count: max(0, size.width * size.height))
    }

    public subscript(row: Int, column: Int) -> Cell { cells[row * size.width + column] }

    /// Writes text at a position, clipped to the row; returns the column after it.
    @discardableResult
    public mutating func put(_ text: String, row: Int, column: Int, style: CellStyle = .normal) -> Int {
        guard row >= 0, row < size.height else { return column }
        var col = column
        for ch in text {
            let w = Self.width(of: ch)
            if w == 0 { continue }
            guard col + w <= size.width else { break }
            if col >= 0 {
                cells[row * size.width + col] = Cell(ch, style)
                if w == 2 { cells[row * size.width + col + 1] = Cell(" ", style, continuation: true) }
            }
            col += w
        }
        return col
    }

    /// Paints a whole row's style (e.g. the reverse header bar), keeping its characters.
    public mutating func fill(row: Int, style: CellStyle) {
        guard row >= 0, row < size.height else { return }
        for c in 0..<size.width { cells[row * size.width + c].style = style }
    }

    /// The text of one row, wide characters once, trailing blanks trimmed.
    public func text(row: Int) -> String {
        var s = ""
        for c in 0..<size.width where !self[row, c].continuation { s.append(self[row, c].character) }
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }

    /// The whole frame as text, one line per row.
    public var text: String { (0..<size.height).map { text(row: $0) }.joined(separator: "\n") }

    /// Cells a character takes: 2 for East Asian wide and emoji, 0 for combining marks and controls.
    public static func width(of ch: Character) -> Int {
        guard let scalar = ch.unicodeScalars.first else { return 0 }
        let v = scalar.value
        if v < 0x20 || (v >= 0x7F && v < 0xA0) { return 0 }
        if scalar.properties.generalCategory == .nonspacingMark || scalar.properties.generalCategory == .enclosingMark { return 0 }
        let wide: [ClosedRange<UInt32>] = [0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF,
                                           0xA000...0xA4CF, 0xAC00...0xD7A3, 0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60,
                                           0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD]
        return wide.contains { $0.contains(v) } ? 2 : 1
    }

    /// Cells a string takes.
    public static func width(of text: String) -> Int { text.reduce(0) { $0 + width(of: $1) } }
}
