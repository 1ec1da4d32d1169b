import TFEClient

/// How a cell is drawn. Every style is visible without color too (reverse, bold, markers).
package enum CellStyle: UInt8, Sendable, Equatable {
    case normal, dim, bold, reverse, error, success
    /// A field's value selected as a whole (typing replaces it), drawn apart from `reverse`.
    case selection
}

/// One character cell. A wide character takes two cells; the second is a `continuation`.
///
/// Plain data (a scalar, a style, a flag): frames of 12,000 cells are built, copied and compared
/// many times a second, and a `Character` per cell made that cost reference counting and Unicode
/// comparisons (see docs/performance.md). The rare cluster of several scalars (a letter with a
/// combining mark, an emoji sequence) keeps its other scalars in the frame's `clusters`.
package struct Cell: Equatable, Sendable {
    /// The first scalar of the cell's character.
    package var scalar: Unicode.Scalar
    package var style: CellStyle
    package var continuation: Bool

    package init(_ character: Character, _ style: CellStyle = .normal, continuation: Bool = false) {
        self.init(scalar: character.unicodeScalars.first ?? " ", style, continuation: continuation)
    }

    package init(scalar: Unicode.Scalar, _ style: CellStyle = .normal, continuation: Bool = false) {
        self.scalar = scalar
        self.style = style
        self.continuation = continuation
    }

    /// The cell's character (its first scalar; a frame's `character(row:column:)` has the whole cluster).
    package var character: Character { Character(scalar) }

    package static let blank = Cell(scalar: " ")
}

/// A terminal size in cells.
package struct Size: Equatable, Sendable {
    package var width: Int
    package var height: Int
    package init(width: Int, height: Int) {
        self.width = width
        self.height = height
    }
    /// Below this the wizard shows only "Terminal too small".
    package static let minimum = Size(width: 60, height: 16)
}

/// A cell position.
package struct Position: Equatable, Sendable {
    package var row: Int
    package var column: Int
    package init(row: Int, column: Int) {
        self.row = row
        self.column = column
    }
}

/// What the terminal shows: a grid of styled cells and where the cursor goes (nil = hidden).
package struct Frame: Equatable, Sendable {
    package let size: Size
    package private(set) var cells: [Cell]
    /// The whole character of cells whose character has more than one scalar, by cell index.
    package private(set) var clusters: [Int: String] = [:]
    package var cursor: Position?

    package init(size: Size) {
        self.size = size
        self.cells = Array(repeating: .blank, count: max(0, size.width * size.height))
    }

    package subscript(row: Int, column: Int) -> Cell { cells[row * size.width + column] }

    /// The whole character at a cell.
    package func character(row: Int, column: Int) -> Character {
        let index = row * size.width + column
        if let cluster = clusters[index] { return Character(cluster) }
        return cells[index].character
    }

    /// Calls `body` for every run of cells that differ from `previous` (every cell when it is nil
    /// or of another size), one style per run, with the run's scalars. The terminal's draw is this
    /// and one ncurses call per run; it runs for every keystroke, so it works on raw buffers.
    package func forEachChangedRun(since previous: Frame?, _ body: (_ row: Int, _ column: Int, _ style: CellStyle, _ scalars: UnsafeBufferPointer<UInt32>) -> Void) {
        let old = previous.flatMap { $0.size == size ? $0 : nil }
        let width = size.width
        let checkClusters = !clusters.isEmpty || !(old?.clusters.isEmpty ?? true)
        var run: [UInt32] = []
        run.reserveCapacity(width * 2)
        let was = old?.cells ?? []
        let wasClusters = old?.clusters ?? [:]
        cells.withUnsafeBufferPointer { now in
            func same(_ i: Int) -> Bool {
                !was.isEmpty && now[i] == was[i] && (!checkClusters || clusters[i] == wasClusters[i])
            }
            for row in 0..<size.height {
                let base = row * width
                var col = 0
                while col < width {
                    if same(base + col) { col += 1; continue }
                    let style = now[base + col].style
                    let start = col
                    run.removeAll(keepingCapacity: true)
                    while col < width, now[base + col].style == style, !same(base + col) {
                        let cell = now[base + col]
                        if !cell.continuation {
                            if checkClusters, let cluster = clusters[base + col] {
                                run.append(contentsOf: cluster.unicodeScalars.map(\.value))
                            } else {
                                run.append(cell.scalar.value)
                            }
                        }
                        col += 1
                    }
                    run.withUnsafeBufferPointer { body(row, start, style, $0) }
                }
            }
        }
    }

    /// Writes text at a position, clipped to the row; returns the column after it.
    @discardableResult
    package mutating func put(_ text: String, row: Int, column: Int, style: CellStyle = .normal) -> Int {
        guard row >= 0, row < size.height else { return column }
        var col = column
        // Printable ASCII (nearly all text here): one cell per byte, no grapheme breaking.
        if text.utf8.allSatisfy({ $0 >= 0x20 && $0 < 0x7F }) {
            for byte in text.utf8 {
                guard col < size.width else { break }
                if col >= 0 {
                    let index = row * size.width + col
                    cells[index] = Cell(scalar: Unicode.Scalar(byte), style)
                    if !clusters.isEmpty { clusters.removeValue(forKey: index) }
                }
                col += 1
            }
            return col
        }
        // Scalars that each stand alone (no combining marks, joiners or selectors): no grapheme breaking either.
        if text.unicodeScalars.allSatisfy(Self.standsAlone) {
            for scalar in text.unicodeScalars {
                let w = Self.width(of: scalar)
                if w == 0 { continue }
                guard col + w <= size.width else { break }
                if col >= 0 {
                    let index = row * size.width + col
                    cells[index] = Cell(scalar: scalar, style)
                    if !clusters.isEmpty { clusters.removeValue(forKey: index) }
                    if w == 2 { cells[index + 1] = Cell(scalar: " ", style, continuation: true) }
                }
                col += w
            }
            return col
        }
        for ch in text {
            let w = Self.width(of: ch)
            if w == 0 { continue }
            guard col + w <= size.width else { break }
            if col >= 0 {
                let index = row * size.width + col
                let scalars = ch.unicodeScalars
                cells[index] = Cell(scalar: scalars.first!, style)
                if scalars.count > 1 {
                    clusters[index] = String(ch)
                } else if !clusters.isEmpty {
                    clusters.removeValue(forKey: index)
                }
                if w == 2 { cells[index + 1] = Cell(scalar: " ", style, continuation: true) }
            }
            col += w
        }
        return col
    }

    /// Paints a whole row's style (e.g. the reverse header bar), keeping its characters.
    package mutating func fill(row: Int, style: CellStyle) {
        guard row >= 0, row < size.height else { return }
        for c in 0..<size.width { cells[row * size.width + c].style = style }
    }

    /// The text of one row, wide characters once, trailing blanks trimmed.
    package func text(row: Int) -> String {
        var s = ""
        for c in 0..<size.width where !self[row, c].continuation { s.append(character(row: row, column: c)) }
        while s.hasSuffix(" ") { s.removeLast() }
        return s
    }

    /// The whole frame as text, one line per row.
    package var text: String { (0..<size.height).map { text(row: $0) }.joined(separator: "\n") }

    /// Cells a character takes: 2 for East Asian wide and emoji, 0 for combining marks and controls.
    package static func width(of ch: Character) -> Int {
        guard let scalar = ch.unicodeScalars.first else { return 0 }
        return width(of: scalar)
    }

    /// Whether a scalar is always a character of its own: below the combining marks (U+0300), or
    /// among the punctuation, arrows, box drawing and symbols U+2010–U+2BFF (minus the combining
    /// marks for symbols). The common case for this UI's text, drawn without grapheme breaking.
    @inline(__always)
    static func standsAlone(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v < 0x300 && v != 0x0D || (v >= 0x2010 && v <= 0x2BFF && !(v >= 0x20D0 && v <= 0x20FF) && !(v >= 0x2028 && v <= 0x206F))
    }

    /// Cells a scalar takes (see `width(of:)` for a character).
    package static func width(of scalar: Unicode.Scalar) -> Int {
        let v = scalar.value
        if v >= 0x20 && v < 0x7F { return 1 }   // ASCII, nearly every cell: no table lookups
        if v < 0x20 || (v >= 0x7F && v < 0xA0) || v == 0xAD { return 0 }
        if v < 0x300 || (v >= 0x2010 && v <= 0x2BFF && !(v >= 0x20D0 && v <= 0x20FF) && !(v >= 0x2028 && v <= 0x206F)) { return 1 }
        // Bidi controls, zero-width and other format characters, line/paragraph separators: never
        // drawn (they would reorder or hide what the admin reads). Width 0 drops them from the frame.
        if SafeText.isUnsafe(scalar) { return 0 }
        let category = scalar.properties.generalCategory
        if category == .nonspacingMark || category == .enclosingMark { return 0 }
        if v < 0x1100 { return 1 }
        return wideRanges.contains { $0.contains(v) } ? 2 : 1
    }

    /// East Asian wide and emoji blocks (made once, not per character).
    static let wideRanges: [ClosedRange<UInt32>] = [
        0x1100...0x115F, 0x2E80...0x303E, 0x3041...0x33FF, 0x3400...0x4DBF, 0x4E00...0x9FFF, 0xA000...0xA4CF, 0xAC00...0xD7A3,
        0xF900...0xFAFF, 0xFE30...0xFE4F, 0xFF00...0xFF60, 0xFFE0...0xFFE6, 0x1F300...0x1F64F, 0x1F900...0x1F9FF, 0x20000...0x3FFFD,
    ]

    /// Cells a string takes.
    package static func width(of text: String) -> Int { text.reduce(0) { $0 + width(of: $1) } }
}
