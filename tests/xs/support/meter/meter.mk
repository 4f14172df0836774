# The plain xsnap command plus xs_memory.c (slot and chunk meters). Run from xsnap's makefiles/lin
# directory: make -f <this file> GOAL=release MODDABLE=... BUILD_DIR=... METER_DIR=<this folder>
include xsnap.mk
OBJECTS += $(TMP_DIR)/xs_memory.o
VPATH += $(METER_DIR)
LINK_OPTIONS += -Wl,--wrap=modInstallBase64
# xsnap.mk's link rule expanded its prerequisites before this file added the object.
$(BIN_DIR)/$(NAME): $(TMP_DIR)/xs_memory.o
