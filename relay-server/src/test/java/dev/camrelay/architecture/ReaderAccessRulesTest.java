package dev.camrelay.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import dev.camrelay.core.buffer.StreamBuffer;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Rules that keep the isolation design true as the code grows (architecture.md sections 2 and 3): egress gets a
 * reader only through a viewer session, never by naming a stream, and egress never reaches into the camera
 * registry.
 */
class ReaderAccessRulesTest {

    private static JavaClasses relay;

    @BeforeAll
    static void importMainClasses() {
        relay = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.camrelay");
    }

    @Test
    void onlyViewerSessionsOpenStreamReaders() {
        noClasses().that().resideOutsideOfPackages("dev.camrelay.core.session..", "dev.camrelay.core.buffer..")
                .should().callMethod(StreamBuffer.class, "openReader",
                        dev.camrelay.core.media.StreamKey.class, dev.camrelay.core.isolation.IsolationAlarm.class)
                .because("a session bound to (camera, epoch) is the only way to obtain a reader (architecture.md 2)")
                .check(relay);
    }

    @Test
    void egressModulesDoNotLookUpStreamsInTheServer() {
        noClasses().that().resideInAnyPackage("dev.camrelay.hls..", "dev.camrelay.webrtc..")
                .should().dependOnClassesThat().resideInAnyPackage("dev.camrelay.server..")
                .because("egress workers receive a capability (a session's reader), never a registry")
                .allowEmptyShould(true)
                .check(relay);
    }

    @Test
    void egressModulesDoNotImplementStreamDirectories() {
        noClasses().that().resideInAnyPackage("dev.camrelay.hls..", "dev.camrelay.webrtc..")
                .should().dependOnClassesThat().haveSimpleName("StreamDirectory")
                .because("only sessions resolve a camera to its current stream")
                .allowEmptyShould(true)
                .check(relay);
    }
}
