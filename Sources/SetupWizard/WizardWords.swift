/// The words of the front end that runs the wizard, where a message names how to do something
/// outside the wizard (an option, a command). The wizard names no option of its own: the
/// command line gives its words (`WizardWords.commandLine` in CLIWording); a library user gets
/// the neutral ones.
package struct WizardWords: Equatable, Sendable {
    /// How to name the organization to set up (`pass --organization`).
    package var nameOrganization: String
    /// How the screens were chosen, in "… and <this> names no other screen".
    package var screensChoice: String
    /// The command that applies a saved answers file, before its quoted path
    /// (`tfe-setup apply --answers`); nil when there is none to name.
    package var applyAnswers: String?
    /// What a saved answers file is for, on the save question.
    package var answersUse: String

    package init(nameOrganization: String, screensChoice: String, applyAnswers: String?, answersUse: String) {
        self.nameOrganization = nameOrganization
        self.screensChoice = screensChoice
        self.applyAnswers = applyAnswers
        self.answersUse = answersUse
    }

    package static let neutral = WizardWords(nameOrganization: "name the organization to set up", screensChoice: "the choice of screens",
                                             applyAnswers: nil, answersUse: "To apply them again later")
}
