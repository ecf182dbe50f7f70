/*
 * INI files through inih, with the line number of every value, so that
 * config.c and programme.c can report "file:line: message".
 */
#ifndef AANMELD_INIFILE_H
#define AANMELD_INIFILE_H

/* Called per name=value; returns 0 to go on, -1 after reporting an error
   (parsing still goes on, so every error is reported). */
typedef int inifile_handler(void *user, const char *section, const char *name,
			    const char *value, unsigned line);

/*
 * Parses path.  Returns 0 if every handler call succeeded, -1 otherwise;
 * *syntax_line_r is the first line inih could not parse (0 if none) and
 * *error_r is set when the file cannot be opened.
 */
int inifile_parse(const char *path, inifile_handler *handler, void *user,
		  unsigned *syntax_line_r, const char **error_r);

#endif
