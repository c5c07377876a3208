package io.arauto;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.context.properties.ConfigurationPropertiesScan;

@SpringBootApplication
@ConfigurationPropertiesScan
public class ArautoApplication {

    public static void main(String[] args) {
        SpringApplication.run(ArautoApplication.class, args);
    }
}
