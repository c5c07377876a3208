package io.arauto.api;

import java.io.InputStream;
import java.util.List;

import org.apache.camel.CamelExecutionException;
import org.apache.camel.ProducerTemplate;
import org.springframework.http.HttpStatus;
import org.springframework.stereotype.Component;

/** The opt-out list's CSV layout, written and read by Camel Bindy in the opt-outs-csv-write and opt-outs-csv-read routes. */
@Component
public class OptOutCsv {

    private final ProducerTemplate routes;

    public OptOutCsv(ProducerTemplate routes) {
        this.routes = routes;
    }

    public byte[] write(List<OptOutCsvLine> lines) {
        return routes.requestBody("direct:opt-outs-csv-write", lines, byte[].class);
    }

    @SuppressWarnings("unchecked")
    public List<OptOutCsvLine> read(InputStream csv) {
        try {
            Object lines = routes.requestBody("direct:opt-outs-csv-read", csv);
            return lines == null ? List.of() : (List<OptOutCsvLine>) lines;
        } catch (CamelExecutionException e) {
            Throwable cause = e.getCause() == null ? e : e.getCause();
            throw new ApiException(HttpStatus.BAD_REQUEST, "The CSV could not be read (" + cause.getMessage() + "): it must have a header "
                    + "line, then one number per line as phone,source,at, the layout GET /api/opt-outs.csv gives.");
        }
    }
}
