module liblend.org/lend

go 1.19
