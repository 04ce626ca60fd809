#include <stdlib.h>
#include <stdio.h>
#include <limits.h>
int g[4];
int pop(int *p){ free(p); return 0; }
int main(int argc, char **argv){
  int k = atoi(argv[1]);
  int a[4] = {0};
  int *p = malloc(16);
  int *q = NULL;
  int z = argc - 2;
  int big = INT_MAX;
  switch (k) {
  case 1: p[4] = 1; break;
  case 2: pop(p); p[0] = 1; break;
  case 3: a[argc+3] = 1; break;
  case 4: g[argc+3] = 1; break;
  case 5: pop(p); free(p); break;
  case 6: big = big + argc; break;
  case 7: printf("%d\n", 10 / z); break;
  case 8: *q = 1; break;
  case 9: printf("%d\n", a[argc+3]); break;
  }
  printf("%d\n", big);
  return 0;
}
