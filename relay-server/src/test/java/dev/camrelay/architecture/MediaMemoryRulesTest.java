package dev.camrelay.architecture;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Stored LL-HLS media lives in its stream's own memory, never in a pool shared with other streams (architecture.md
 * section 3: pooled buffers reused across users are how Cloudbleed and Jetty CVE-2019-17638 leaked other people's
 * data). The store allocates with Netty's unpooled allocator only; any pooled one, or the default allocator (pooled),
 * in the HLS module is refused.
 */
class MediaMemoryRulesTest {

    private static JavaClasses relay;

    @BeforeAll
    static void importMainClasses() {
        relay = new ClassFileImporter()
                .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
                .importPackages("dev.camrelay");
    }

    @Test
    void hlsMediaIsNeverAllocatedFromAPool() {
        noClasses().that().resideInAnyPackage("dev.camrelay.hls..")
                .should().dependOnClassesThat().haveFullyQualifiedName("io.netty.buffer.PooledByteBufAllocator")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.netty.buffer.AdaptiveByteBufAllocator")
                .orShould().dependOnClassesThat().haveFullyQualifiedName("io.netty.buffer.ByteBufAllocator")
                .because("a part's bytes are one allocation of its own stream (StoredPart), never pooled memory")
                .check(relay);
    }
}
