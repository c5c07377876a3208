package io.arauto.api;

import java.util.List;

/** One page of a listing: its entries, which page (from 0), how many per page, and how many there are in all. */
public record Page<T>(List<T> items, int page, int size, long total) {

    /** The page and size a request asked for, checked: size from 1 to 1000, {@code arauto.api.page-size} when not given. */
    static int[] of(Integer page, Integer size, int defaultSize) {
        int p = page == null ? 0 : page;
        int s = size == null ? defaultSize : size;
        if (p < 0 || s < 1 || s > 1000) {
            throw new ApiException(org.springframework.http.HttpStatus.BAD_REQUEST,
                    "'page' must be 0 or more and 'size' from 1 to 1000 (page " + p + ", size " + s + " were asked for).");
        }
        return new int[] {p, s};
    }
}
