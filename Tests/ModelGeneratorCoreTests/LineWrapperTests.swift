import Testing

@testable import _ModelGeneratorCore

/// Generated lines wider than 120 columns, broken as the formatter breaks hand-written code.
@Suite struct LineWrapperTests {
    @Test func aShortLineStaysAsItIs() {
        #expect(LineWrapper.wrap("let x = f(a, b)", indent: 2) == ["        let x = f(a, b)"])
    }

    @Test func aCallBreaksAfterItsOpeningParenthesis() {
        let line =
            "let denseA = interceptor.intercept(self.denseA, at: path().appending(self.denseA.config.name), "
            + "output: self.denseA(pool))"
        #expect(
            LineWrapper.wrap(line, indent: 2) == [
                "        let denseA = interceptor.intercept(",
                "            self.denseA, at: path().appending(self.denseA.config.name), output: self.denseA(pool))",
            ])
    }

    @Test func aSignatureClosesOnItsOwnLineBeforeTheBody() {
        let line =
            "func callAsFunction(_ image: Tensor, _ tokens: Tensor, intercepting interceptor: some CallInterceptor, "
            + "at path: @autoclosure () -> LayerPath = LayerPath([])) -> (head: Tensor, aux: Tensor) {"
        #expect(
            LineWrapper.wrap(line, indent: 1) == [
                "    func callAsFunction(",
                "        _ image: Tensor, _ tokens: Tensor, intercepting interceptor: some CallInterceptor,",
                "        at path: @autoclosure () -> LayerPath = LayerPath([])",
                "    ) -> (head: Tensor, aux: Tensor) {",
            ])
    }

    @Test func anArrayClosesOnItsOwnLine() {
        let names = (1...14).map { "layerNumber\($0)" }
        let lines = LineWrapper.wrap("[" + names.joined(separator: ", ") + "]", indent: 3)
        #expect(lines.first == "            [")
        #expect(lines.last == "            ]")
        #expect(lines.dropFirst().dropLast().allSatisfy { $0.hasPrefix("                layerNumber") })
        #expect(lines.allSatisfy { $0.count <= 120 })
    }

    @Test func aTrailingCommentMovesAbove() {
        let code = ".init(12, [.init(11), .init(5), .init(5, 2), .init(12, 1), .init(13, 1), .init(14, 2)]),"
        let lines = LineWrapper.wrap(code + "  // 13: joined = joined(skip, lstm, lstm, heads)", indent: 4)
        #expect(
            lines == ["                // 13: joined = joined(skip, lstm, lstm, heads)", "                " + code])
    }

    @Test func aLongStringSplitsAtSpacesKeepingItsText() {
        let text = (1...30).map { "word\\\"\($0)" }.joined(separator: " ")
        let lines = LineWrapper.wrap("validJSON: \"\(text)\")", indent: 5)
        #expect(lines.count > 1)
        #expect(lines.allSatisfy { $0.count <= 120 })
        #expect(lines.dropFirst().allSatisfy { $0.hasPrefix(String(repeating: " ", count: 24) + "+ \"") })
        // The parts joined give the literal back.
        let parts = lines.map { line -> String in
            let start = line.firstIndex(of: "\"")!
            let end = line.lastIndex(of: "\"")!
            return String(line[line.index(after: start)..<end])
        }
        #expect(parts.joined() == text)
        #expect(lines.last!.hasSuffix("\")"))
    }

    @Test func stringsAndInterpolationsAreNotBrokenInside() {
        let line =
            "out.line(\"a string with, commas (and parentheses) that is long enough to need wrapping \\(f(a, b)) "
            + "and more words here\")"
        let lines = LineWrapper.wrap(line, indent: 2)
        #expect(lines.allSatisfy { $0.count <= 120 })
        #expect(lines.joined().contains("\\(f(a, b))"))
    }

    @Test func aLongCommentIsRewrapped() {
        let words = Array(repeating: "documentation", count: 20).joined(separator: " ")
        let lines = LineWrapper.wrap("/// " + words, indent: 1)
        #expect(lines.count == 3)
        #expect(lines.allSatisfy { $0.hasPrefix("    /// ") && $0.count <= 120 })
    }
}

extension LineWrapperTests {
    @Test func aLongReturnTypeAndADestructuringAreBrokenToo() {
        let outputs = Array(repeating: "Tensor", count: 24).joined(separator: ", ")
        let signature = "func callAsFunction(_ x: Tensor, _ y: Tensor) -> (\(outputs)) {"
        let lines = LineWrapper.wrap(signature, indent: 1)
        #expect(lines.first == "    func callAsFunction(_ x: Tensor, _ y: Tensor) -> (")
        #expect(lines.last == "    ) {")
        #expect(lines.allSatisfy { $0.count <= 120 })
        let names = (1...24).map { "output\($0)" }.joined(separator: ", ")
        let destructuring = "let (\(names)) = callStage2(\(names))"
        let broken = LineWrapper.wrap(destructuring, indent: 2)
        #expect(broken.first == "        let (")
        #expect(broken.contains("        ) = callStage2("))
        #expect(broken.allSatisfy { $0.count <= 120 })
        #expect(broken.joined().filter { !$0.isWhitespace } == destructuring.filter { !$0.isWhitespace })
    }
}

extension LineWrapperTests {
    @Test func aSignatureWithManyParametersAndOutputsBreaksBoth() {
        let outputs = Array(repeating: "Tensor", count: 24).joined(separator: ", ")
        let parameters = (1...8).map { "_ input\($0): Tensor" }.joined(separator: ", ")
        let lines = LineWrapper.wrap("func callAsFunction(\(parameters)) -> (\(outputs)) {", indent: 1)
        #expect(lines.first == "    func callAsFunction(")
        #expect(lines.contains("    ) -> ("))
        #expect(lines.last == "    ) {")
        #expect(lines.allSatisfy { $0.count <= 120 })
    }
}

extension LineWrapperTests {
    @Test func commasInsideAClosureAreNotBreaks() {
        let line =
            "let pairs = zip(firstCollectionOfLayers, secondCollectionOfLayers).map { first, second in "
            + "combine(first, second, into: accumulated) }"
        let lines = LineWrapper.wrap(line, indent: 2)
        #expect(lines.allSatisfy { !$0.hasSuffix("first,") })
        #expect(lines.joined().filter { !$0.isWhitespace } == line.filter { !$0.isWhitespace })
    }
}
