#pragma once
#define PLAYGRAD_VERSION "0.1.0"
