/*
 * vocab.h: the words novagate writes (verdicts, rule kinds, truth states),
 * one table each in vocab.c, behind the public ng_*_name() functions.
 */
#ifndef NG_VOCAB_H
#define NG_VOCAB_H

#include "novagate.h"

/* A VM truth value (1 true, 0 false, NaN unknown) as a state. */
ng_state vocab_state(double truth);

#endif
