package io.arauto;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.autoconfigure.integration.IntegrationAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

// Spring Integration is here for its JDBC lock and leader initiator only (config.SenderElectionConfig), not for its
// messaging: without its auto-configuration it adds no channels or scheduler, and never creates tables (Flyway's V7 does)
@SpringBootApplication(exclude = IntegrationAutoConfiguration.class)
@ConfigurationPropertiesScan
public class ArautoApplication {

    public static void main(String[] args) {
        SpringApplication.run(ArautoApplication.class, args);
    }
}
