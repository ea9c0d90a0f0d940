# Reads chorus-central's analysis files with readr, as an analyst would,
# and asserts their types. Usage: Rscript check.R DIR
suppressPackageStartupMessages(library(readr))
out <- commandArgs(trailingOnly = TRUE)[1]
codes <- c("-97" = "not_asked", "-98" = "not_answered", "-99" = "not_reached")
quiet <- function(f, ...) suppressWarnings(read_csv(file.path(out, f), show_col_types = FALSE, progress = FALSE, ...))
wide <- quiet("responses_wide.csv")
long <- quiet("answers_long.csv", col_types = cols(value = col_character()))
book <- quiet("codebook.csv", col_types = cols(option_code = col_character()))
declined <- quiet("declined.csv")
fail <- character()
check <- function(ok, msg) if (!isTRUE(ok)) fail <<- c(fail, msg)

for (c in c("started_at", "created_at")) check(inherits(wide[[c]], "POSIXct"), paste(c, "is not POSIXct"))
check(inherits(wide$created_local_date, "Date"), "created_local_date is not a Date")
check(inherits(declined$day, "Date"), "declined day is not a Date")

ord <- book[book$ordinal, ]
check(nrow(ord) > 0 && is.numeric(ord$score) && !anyNA(ord$score), "ordinal scores are not all numeric")
for (q in unique(book$question[book$type %in% c("scale5", "number")])) {
  if (!is.null(wide[[q]])) check(is.numeric(wide[[q]]), paste(q, "is not numeric"))
}
opts <- grep("__", names(wide), value = TRUE)
check(length(opts) > 0, "no option columns")
for (c in opts) {
  check(is.numeric(wide[[c]]) && all(wide[[c]] %in% c(0, 1, -97, -98, -99)), paste(c, "is not 0/1 or a missing code"))
}
miss <- long[long$status != "answered", ]
for (k in names(codes)) {
  s <- unique(miss$status[miss$value == k])
  check(length(setdiff(s, codes[[k]])) == 0, paste("code", k, "has statuses", paste(s, collapse = ",")))
}
check("not_asked" %in% miss$status, "no question was routed past by skip logic")
clean <- suppressWarnings(read_csv(file.path(out, "responses_wide.csv"), na = c("", "-97", "-98", "-99"), show_col_types = FALSE, progress = FALSE))
check(all(unlist(lapply(opts, function(c) all(clean[[c]] %in% c(0, 1, NA))))), "na = did not clear the missing codes")

if (length(fail) > 0) {
  message("R: ", paste(fail, collapse = "\n  "))
  quit(status = 1)
}
cat(sprintf("R %s, readr %s: %d responses, %d long rows, %d option columns: types as documented\n",
  getRversion(), packageVersion("readr"), nrow(wide), nrow(long), length(opts)))
